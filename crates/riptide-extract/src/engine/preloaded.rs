//! Content that a page ships as data for its script instead of as markup: Discourse forums
//! render an empty shell and put the topic's posts, as HTML, in the JSON of a
//! `data-preloaded` attribute. When the markup has no content, the posts are the content.

use serde_json::Value;

/// The most posts taken from one preloaded topic.
const MAX_POSTS: usize = 500;

/// The posts of a Discourse topic found in a `data-preloaded` attribute value, as one HTML
/// document (an `<article>` with one `<div>` per post); `None` when there are none.
pub(crate) fn discourse_posts(preloaded: &str) -> Option<String> {
    let outer: Value = serde_json::from_str(preloaded).ok()?;
    let (_, topic) = outer
        .as_object()?
        .iter()
        .find(|(key, _)| key.starts_with("topic_"))?;
    // The topic is itself JSON inside a string.
    let topic: Value = serde_json::from_str(topic.as_str()?).ok()?;
    let posts = topic.get("post_stream")?.get("posts")?.as_array()?;
    let mut html = String::from("<html><body><article>");
    let mut found = false;
    for cooked in posts
        .iter()
        .take(MAX_POSTS)
        .filter_map(|p| p.get("cooked")?.as_str())
    {
        html.push_str("<div class=\"post\">");
        html.push_str(cooked);
        html.push_str("</div>");
        found = true;
    }
    html.push_str("</article></body></html>");
    found.then_some(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_read_from_the_nested_topic_json() {
        let topic = serde_json::json!({"post_stream": {"posts": [
            {"cooked": "<p>First post</p>"}, {"cooked": "<p>Reply</p>"}
        ]}});
        let outer = serde_json::json!({"site": "{}", "topic_42": topic.to_string()});
        let html = discourse_posts(&outer.to_string()).expect("posts");
        assert!(html.contains(
            "<div class=\"post\"><p>First post</p></div><div class=\"post\"><p>Reply</p></div>"
        ));
        assert_eq!(discourse_posts("{\"site\": 1}"), None);
        assert_eq!(discourse_posts("not json"), None);
    }
}
