//! A WebSocket text frame from a client: the server's parser answers a request or an error
//! message for any input, and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = agentry_server::parse_ws_message(text);
    }
});
