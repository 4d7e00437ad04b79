//! Integration tests of copilot-sync on real loopback sockets and real SQLCipher stores: the
//! connectors against recorded exchanges, retry timing, a three-day outage, the 1,000-report
//! fault run with `kill -9`, and the secrets canary.

mod common;
mod connectors;
mod fault;
mod outage;
mod secrets;
mod server;
mod timing;
