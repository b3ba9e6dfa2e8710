//! Language tags: normalising what a page declares, and detecting it from text.

use crate::LANGUAGE_SAMPLE_BYTES;

/// ISO 639-3 codes reported by `whatlang` and their shortest BCP 47 form (ISO 639-1 where one
/// exists).
const ISO639_3_TO_BCP47: &[(&str, &str)] = &[
    ("afr", "af"),
    ("aka", "ak"),
    ("amh", "am"),
    ("ara", "ar"),
    ("aze", "az"),
    ("bel", "be"),
    ("ben", "bn"),
    ("bul", "bg"),
    ("cat", "ca"),
    ("ces", "cs"),
    ("cmn", "zh"),
    ("cym", "cy"),
    ("dan", "da"),
    ("deu", "de"),
    ("ell", "el"),
    ("eng", "en"),
    ("epo", "eo"),
    ("est", "et"),
    ("fin", "fi"),
    ("fra", "fr"),
    ("guj", "gu"),
    ("heb", "he"),
    ("hin", "hi"),
    ("hrv", "hr"),
    ("hun", "hu"),
    ("hye", "hy"),
    ("ind", "id"),
    ("ita", "it"),
    ("jav", "jv"),
    ("jpn", "ja"),
    ("kan", "kn"),
    ("kat", "ka"),
    ("khm", "km"),
    ("kor", "ko"),
    ("lat", "la"),
    ("lav", "lv"),
    ("lit", "lt"),
    ("mal", "ml"),
    ("mar", "mr"),
    ("mkd", "mk"),
    ("mya", "my"),
    ("nep", "ne"),
    ("nld", "nl"),
    ("nob", "nb"),
    ("ori", "or"),
    ("pan", "pa"),
    ("pes", "fa"),
    ("pol", "pl"),
    ("por", "pt"),
    ("ron", "ro"),
    ("rus", "ru"),
    ("sin", "si"),
    ("slk", "sk"),
    ("slv", "sl"),
    ("sna", "sn"),
    ("spa", "es"),
    ("srp", "sr"),
    ("swe", "sv"),
    ("tam", "ta"),
    ("tel", "te"),
    ("tgl", "tl"),
    ("tha", "th"),
    ("tuk", "tk"),
    ("tur", "tr"),
    ("ukr", "uk"),
    ("urd", "ur"),
    ("uzb", "uz"),
    ("vie", "vi"),
    ("yid", "yi"),
    ("zul", "zu"),
];

/// Normalise a declared language (`en_us`, `EN-gb`, `pt-BR`) to BCP 47 case conventions;
/// `None` when it is not a plausible tag.
pub(crate) fn normalise_tag(raw: &str) -> Option<String> {
    let raw = raw.split([',', ';']).next()?.trim();
    let mut parts = raw.split(['-', '_']);
    let primary = parts.next()?;
    if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut tag = primary.to_ascii_lowercase();
    for part in parts {
        if part.is_empty() || part.len() > 8 || !part.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        tag.push('-');
        match part.len() {
            2 => tag.push_str(&part.to_ascii_uppercase()),
            4 => {
                let mut chars = part.chars();
                if let Some(first) = chars.next() {
                    tag.push(first.to_ascii_uppercase());
                    tag.push_str(&chars.as_str().to_ascii_lowercase());
                }
            }
            _ => tag.push_str(&part.to_ascii_lowercase()),
        }
    }
    Some(tag)
}

/// Detect the language of `text` from its first [`LANGUAGE_SAMPLE_BYTES`]; `None` when the
/// sample is too short or the guess unreliable.
pub(crate) fn detect(text: &str) -> Option<String> {
    let sample = &text[..text.floor_char_boundary(LANGUAGE_SAMPLE_BYTES)];
    if crate::words::word_count(sample) < 5 {
        return None;
    }
    let info = whatlang::detect(sample)?;
    if !info.is_reliable() {
        return None;
    }
    let code = info.lang().code();
    ISO639_3_TO_BCP47
        .iter()
        .find(|(three, _)| *three == code)
        .map(|(_, bcp)| (*bcp).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_tags_are_normalised() {
        assert_eq!(normalise_tag("en_us").as_deref(), Some("en-US"));
        assert_eq!(normalise_tag("zh-hant-tw").as_deref(), Some("zh-Hant-TW"));
        assert_eq!(normalise_tag("EN").as_deref(), Some("en"));
        assert_eq!(normalise_tag("de-DE, en").as_deref(), Some("de-DE"));
        assert_eq!(normalise_tag("english"), None);
        assert_eq!(normalise_tag(""), None);
    }

    #[test]
    fn language_is_detected_from_text() {
        let text = "Der schnelle braune Fuchs springt über den faulen Hund, und die Katze \
                    schläft den ganzen Tag in der warmen Sonne auf dem Balkon.";
        assert_eq!(detect(text).as_deref(), Some("de"));
        assert_eq!(detect("ok"), None);
    }

    #[test]
    fn only_the_sample_decides() {
        let german = "Der schnelle braune Fuchs springt über den faulen Hund, und die Katze \
                      schläft den ganzen Tag in der warmen Sonne auf dem Balkon. ";
        let english = "The quick brown fox jumps over the lazy dog while the cat sleeps all \
                       day long in the warm sun on the balcony. ";
        let mut text = german.repeat(LANGUAGE_SAMPLE_BYTES / german.len() + 1);
        text.push_str(&english.repeat(1000));
        assert_eq!(detect(&text).as_deref(), Some("de"));
    }
}
