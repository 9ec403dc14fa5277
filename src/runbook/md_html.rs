//! The bits of HTML and link lists Markdown runbooks carry in their prose:
//! `<details>`/`<summary>` shown as their text, and lists of bare links
//! (references) told apart from prose that explains a step.

use regex::Regex;

/// Paragraph text with HTML tags removed (`<details>`, `<summary>Full
/// context</summary>`, `<br/>`), lines left empty by that dropped.
/// Angle brackets that are not a tag (`a < b`, `<namespace>` in prose)
/// stay: only known inline and block tags go.
pub fn strip_tags(text: &str) -> String {
    let tag = Regex::new(
        r"(?i)</?(?:details|summary|br|p|div|span|b|i|em|strong|code|kbd|sup|sub|small|img|a|hr|ul|ol|li|table|tr|td|th|pre)(?:\s[^<>]*)?/?>",
    )
    .expect("valid regex");
    text.lines()
        .map(|l| tag.replace_all(l, "").trim_end().to_string())
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether a paragraph is only links (a reference list, "See [x](y)"):
/// once Markdown links are taken out, no line keeps more than two words.
pub fn only_links(text: &str) -> bool {
    let link =
        Regex::new(r"!?\[[^\]]*\]\([^)]*\)|<https?://[^>]*>|https?://\S+").expect("valid regex");
    if !link.is_match(text) {
        return false;
    }
    text.lines().all(|l| {
        let rest = link.replace_all(l, "");
        rest.split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count()
            <= 2
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_go_text_stays() {
        assert_eq!(
            strip_tags("<details>\n<summary>More</summary>\nkeep a < b and <pod>\n</details>"),
            "More\nkeep a < b and <pod>"
        );
    }

    #[test]
    fn link_lists() {
        assert!(only_links(
            "- [1](https://a.example/x)\n- [2](https://b.example/y)"
        ));
        assert!(only_links("See [the docs](https://a.example)"));
        assert!(!only_links(
            "Restart the pod, as the [docs](https://a.example) say, then wait."
        ));
        assert!(!only_links("No links here"));
    }
}
