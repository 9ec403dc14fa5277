//! Terminal setup and restore, the event loop, keymap, theme and views.
