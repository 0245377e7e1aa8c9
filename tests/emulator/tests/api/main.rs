//! Integration tests: the server runs in-process on an ephemeral port and is
//! spoken to with a plain `TcpStream` client. Every test uses its own tenant,
//! so they run in parallel against one shared server.

mod approval;
mod client;
mod control;
mod dialects;
mod portos;
mod transport;
