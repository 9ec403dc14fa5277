//! The stepper's state machine. (in progress)
