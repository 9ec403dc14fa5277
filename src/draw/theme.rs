//! Named styles for every view, loaded from YAML. The four built-in themes
//! are embedded so the binary works anywhere; files in `themes/` and the
//! user's theme directory override them by name.

use std::path::{Path, PathBuf};

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::model::Severity;

/// Built-in themes, embedded at compile time.
pub const BUILTIN: [(&str, &str); 4] = [
    ("dark", include_str!("../../themes/dark.yaml")),
    ("light", include_str!("../../themes/light.yaml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.yaml"),
    ),
    ("monochrome", include_str!("../../themes/monochrome.yaml")),
];

/// One style as written in a theme file: `{fg: red, bg: "#202020", modifiers: [bold]}`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    modifiers: Vec<String>,
}

/// Declares the theme's named styles once: the `Theme` struct and the file
/// shape (every key optional; a missing key keeps the inherited style).
macro_rules! theme_styles {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        #[derive(Clone, Debug, PartialEq)]
        pub struct Theme {
            pub name: String,
            $($(#[$doc])* pub $name: Style,)*
        }

        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct ThemeFile {
            /// Theme whose styles fill the keys this file leaves out (default: dark).
            inherits: Option<String>,
            $($name: Option<StyleSpec>,)*
        }

        impl ThemeFile {
            fn apply(self, base: &mut Theme) -> Result<(), String> {
                $(if let Some(spec) = self.$name {
                    base.$name = to_style(stringify!($name), &spec)?;
                })*
                Ok(())
            }
        }

        fn unstyled(name: &str) -> Theme {
            Theme { name: name.to_string(), $($name: Style::new(),)* }
        }

        fn strip_colors(theme: &mut Theme) {
            $(theme.$name = Style::new().add_modifier(theme.$name.add_modifier);)*
        }
    };
}

theme_styles!(
    /// Ordinary text.
    text,
    /// Secondary text: column headings, hints, ages.
    dim,
    /// Product name, section titles.
    title,
    border,
    /// The row under the cursor.
    selected,
    critical,
    error,
    warning,
    info,
    /// Alerts without a known severity.
    severity_none,
    /// Healthy sources, "all clear".
    ok,
    /// A source that answered before but not lately; alerts from it.
    stale,
    /// A source that never answered.
    down,
    pending,
    silenced,
    inhibited,
    /// The top bar.
    header,
    /// The bottom bar.
    status_bar,
    /// The `/` and `:` input line.
    input,
    /// Error messages (invalid filter, failed action).
    error_text,
    /// DEMO / READ-ONLY badges.
    badge,
    /// Key names in help and hints.
    key,
);

impl Theme {
    pub fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Critical => self.critical,
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
            Severity::None => self.severity_none,
        }
    }

    /// The built-in dark theme (always valid: checked by a test).
    pub fn dark() -> Theme {
        builtin("dark").expect("the embedded dark theme is valid")
    }
}

fn parse_color(key: &str, what: &str, value: &str) -> Result<Color, String> {
    value.parse::<Color>().map_err(|_| {
        format!("{key}.{what}: unknown color {value:?} (use a name such as red or light-blue, or #rrggbb)")
    })
}

fn to_style(key: &str, spec: &StyleSpec) -> Result<Style, String> {
    let mut style = Style::new();
    if let Some(fg) = &spec.fg {
        style = style.fg(parse_color(key, "fg", fg)?);
    }
    if let Some(bg) = &spec.bg {
        style = style.bg(parse_color(key, "bg", bg)?);
    }
    for m in &spec.modifiers {
        let modifier = match m.to_ascii_lowercase().replace('-', "_").as_str() {
            "bold" => Modifier::BOLD,
            "dim" => Modifier::DIM,
            "italic" => Modifier::ITALIC,
            "underline" | "underlined" => Modifier::UNDERLINED,
            "reverse" | "reversed" => Modifier::REVERSED,
            "crossed_out" | "strikethrough" => Modifier::CROSSED_OUT,
            other => {
                return Err(format!(
                    "{key}.modifiers: unknown modifier {other:?} (bold, dim, italic, underlined, reversed, crossed-out)"
                ))
            }
        };
        style = style.add_modifier(modifier);
    }
    Ok(style)
}

/// Parses theme text; `inherits` is resolved among the built-ins only, so a
/// chain of user files cannot loop.
fn parse(name: &str, text: &str, root: bool) -> Result<Theme, String> {
    let file: ThemeFile = crate::yaml::from_str(text).map_err(|e| match e.line {
        Some(line) if !e.message.contains("line") => format!("line {line}: {}", e.message),
        _ => e.message,
    })?;
    let mut theme = match file.inherits.as_deref() {
        None if root => unstyled(name),
        None => builtin("dark")?,
        Some(base) => {
            builtin(base).map_err(|_| format!("inherits: no built-in theme named {base:?}"))?
        }
    };
    theme.name = name.to_string();
    file.apply(&mut theme)?;
    Ok(theme)
}

fn builtin(name: &str) -> Result<Theme, String> {
    let (_, text) = BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| format!("no built-in theme {name:?}"))?;
    // The embedded dark theme is the root every other theme inherits from.
    parse(name, text, name == "dark")
}

/// A bare name (looked up in theme directories) rather than a file path.
fn is_name(spec: &str) -> bool {
    !spec.is_empty()
        && spec
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn from_file(name: &str, path: &Path) -> Result<Theme, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("theme file {}: {e}", path.display()))?;
    parse(name, &text, false).map_err(|e| format!("theme file {}: {e}", path.display()))
}

/// Finds and parses a theme: a FILE path, or a NAME looked up in `user_dir`
/// (`$XDG_CONFIG_HOME/oncall/themes`), then `./themes`, then the built-ins.
fn find(spec: &str, user_dir: Option<&Path>) -> Result<Theme, String> {
    if !is_name(spec) {
        let stem = Path::new(spec)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("custom");
        return from_file(stem, Path::new(spec));
    }
    let file = format!("{spec}.yaml");
    let candidates: Vec<PathBuf> = user_dir
        .map(|d| d.join(&file))
        .into_iter()
        .chain([Path::new("themes").join(&file)])
        .collect();
    for path in candidates {
        if path.is_file() {
            return from_file(spec, &path);
        }
    }
    builtin(spec).map_err(|_| {
        let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        format!("no theme named {spec:?} (built-in: {})", names.join(", "))
    })
}

/// Whether a theme (a name or a file) loads, for `oncall check`.
pub fn check_theme(spec: &str, user_dir: Option<&Path>) -> Result<(), String> {
    find(spec, user_dir).map(|_| ())
}

/// Loads the theme for `--theme NAME|FILE`. Never fails: a missing or broken
/// theme falls back to dark, and the second value says why, for the status
/// line. `no_color` (NO_COLOR) gives monochrome: modifiers only.
pub fn load_theme(
    spec: Option<&str>,
    user_dir: Option<&Path>,
    no_color: bool,
) -> (Theme, Option<String>) {
    let wanted = if no_color {
        "monochrome"
    } else {
        spec.unwrap_or("dark")
    };
    let (mut theme, warning) = match find(wanted, user_dir) {
        Ok(t) => (t, None),
        Err(why) => {
            let fallback = if no_color { "monochrome" } else { "dark" };
            let theme = builtin(fallback).unwrap_or_else(|_| unstyled(fallback));
            (theme, Some(format!("{why}; using the {fallback} theme")))
        }
    };
    if no_color {
        strip_colors(&mut theme);
    }
    (theme, warning)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_parse_and_differ() {
        for (name, _) in BUILTIN {
            let t = builtin(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_ne!(
                t.critical, t.warning,
                "{name}: severities must look different"
            );
            assert_ne!(t.selected, t.text, "{name}: the cursor row must stand out");
        }
    }

    #[test]
    fn monochrome_has_no_colors() {
        let (t, w) = load_theme(Some("light"), None, true);
        assert!(w.is_none());
        assert_eq!(t.name, "monochrome");
        for s in [t.critical, t.error, t.warning, t.info, t.selected, t.text] {
            assert_eq!((s.fg, s.bg), (None, None));
        }
        let sev: Vec<Style> = Severity::ALL.iter().map(|s| t.severity(*s)).collect();
        for (i, a) in sev.iter().enumerate() {
            assert!(
                !sev[i + 1..].contains(a),
                "monochrome severities must be distinct"
            );
            assert_ne!(*a, t.selected);
        }
    }

    #[test]
    fn missing_and_broken_themes_fall_back_with_reason() {
        let (t, w) = load_theme(Some("nope"), None, false);
        assert_eq!(t.name, "dark");
        assert!(w.unwrap().contains("no theme named \"nope\""));

        let dir = std::env::temp_dir().join(format!("oncall-theme-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("mine.yaml"),
            "text: {fg: red}\ncritcal: {fg: red}\n",
        )
        .unwrap();
        let (t, w) = load_theme(Some("mine"), Some(&dir), false);
        let w = w.unwrap();
        assert_eq!(t.name, "dark");
        assert!(
            w.contains("mine.yaml") && w.contains("critcal") && w.contains("line 2"),
            "{w}"
        );

        std::fs::write(dir.join("bad.yaml"), "critical: {fg: redd}\n").unwrap();
        let (_, w) = load_theme(dir.join("bad.yaml").to_str(), None, false);
        assert!(w.unwrap().contains("critical.fg: unknown color \"redd\""));

        // A user theme overrides the built-in of the same name; missing keys inherit dark.
        std::fs::write(dir.join("light.yaml"), "text: {fg: \"#102030\"}\n").unwrap();
        let (t, w) = load_theme(Some("light"), Some(&dir), false);
        assert!(w.is_none());
        assert_eq!(t.text.fg, Some(Color::Rgb(0x10, 0x20, 0x30)));
        assert_eq!(t.critical, Theme::dark().critical);
        std::fs::remove_dir_all(&dir).ok();
    }
}
