//! Integration tests of copilot-eval on the fixture folder and on broken copies of it.

mod folder;
