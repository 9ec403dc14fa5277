//! `Action`: what the user asked for, after the keymap. Declared once, in
//! the table below: each action's config name (the config rebinds keys by
//! these names, so they are stable), whether it changes shared state (then
//! read-only and wall mode refuse it, in one place), and whether a key can
//! be bound to it. A new action is one line here, its handling in its pane
//! and its default key in `core::keymap`. Owns no state; imports nothing.

/// Declares `Action` and its table from one list:
/// `Variant = "name" [mutating] [unbound];`.
macro_rules! actions {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal $(, $flag:ident)* ; )*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Action {
            $( $(#[$doc])* $variant, )*
        }

        /// (action, config name, changes shared state, a key may be bound to it)
        const TABLE: &[(Action, &str, bool, bool)] = &[
            $( (
                Action::$variant,
                $name,
                flag_set!(mutating; $($flag)*),
                !flag_set!(unbound; $($flag)*),
            ), )*
        ];
    };
}

/// Whether `$want` is among the flags.
macro_rules! flag_set {
    ($want:ident; ) => { false };
    (mutating; mutating $($rest:ident)*) => { true };
    (unbound; unbound $($rest:ident)*) => { true };
    ($want:ident; $other:ident $($rest:ident)*) => { flag_set!($want; $($rest)*) };
}

actions! {
    Up = "up";
    Down = "down";
    Top = "top";
    Bottom = "bottom";
    PageUp = "page-up";
    PageDown = "page-down";
    NextPane = "next-pane";
    Open = "open";
    Back = "back";
    Filter = "filter";
    Command = "command";
    Help = "help";
    Quit = "quit";
    Refresh = "refresh";
    ToggleSilenced = "toggle-silenced";
    ToggleInhibited = "toggle-inhibited";
    CopyLink = "copy-link";
    Ack = "ack", mutating;
    Unack = "unack", mutating;
    Silence = "silence", mutating;
    Resolve = "resolve", mutating;
    Incident = "incident", mutating;
    Runbook = "runbook";
    Note = "note", mutating;
    Postmortem = "postmortem", mutating;
    Silences = "silences";
    Expire = "expire", mutating;
    Extend = "extend", mutating;
    Incidents = "incidents";
    Pin = "pin", mutating;
    StatusUpdate = "status-update", mutating;
    /// In the runbook pane: run the shown step. Enter there means this, so
    /// it has no key of its own.
    RunStep = "run-step", mutating, unbound;
    StepDone = "step-done", mutating;
    StepFailed = "step-failed", mutating;
    StepSkip = "step-skip", mutating;
    /// Stop the running step (Ctrl-c in the runbook pane).
    StopStep = "stop-step";
    /// The escalation pane.
    Escalations = "escalations";
    /// The detail view's history chart: the next time window.
    HistoryWindow = "history-window";
    /// The SLO pane.
    Slos = "slos";
    /// Fold every group of the alerts list.
    FoldAll = "fold-all";
    /// Unfold every group of the alerts list.
    UnfoldAll = "unfold-all";
    /// The message history (`:messages`).
    Messages = "messages";
}

impl Action {
    fn row(self) -> &'static (Action, &'static str, bool, bool) {
        // The table lists the variants in declaration order.
        &TABLE[self as usize]
    }

    /// Actions that change shared state; refused in one place in read-only
    /// and wall mode.
    pub fn is_mutating(self) -> bool {
        self.row().2
    }

    /// The config name of the action (`keys: {ack: "a"}`).
    pub fn name(self) -> &'static str {
        self.row().1
    }

    /// Every action a key can be bound to, in declaration order.
    pub fn bindable() -> impl Iterator<Item = Action> {
        TABLE.iter().filter(|r| r.3).map(|r| r.0)
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::bindable().find(|a| a.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_declaration_order_and_names_are_unique() {
        for (i, row) in TABLE.iter().enumerate() {
            assert_eq!(row.0 as usize, i, "{:?}", row.0);
            assert_eq!(
                TABLE.iter().filter(|r| r.1 == row.1).count(),
                1,
                "{}",
                row.1
            );
        }
        assert!(Action::Ack.is_mutating() && !Action::Up.is_mutating());
        assert!(!Action::bindable().any(|a| a == Action::RunStep));
        assert_eq!(
            Action::from_name("status-update"),
            Some(Action::StatusUpdate)
        );
        assert_eq!(Action::bindable().count(), TABLE.len() - 1);
    }
}
