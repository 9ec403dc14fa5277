//! Drawing helpers every view shares: the theme (styles, loaded from the
//! built-in set or a file) and text placement in a ratatui buffer (segments,
//! fitting, wrapping, a scrollable document). Below `core`: the panes' views
//! in `core::panes::<pane>::view` and the rest of the screen in `ui::views`
//! draw with them. Knows nothing of the state.

pub mod text;
pub mod theme;
