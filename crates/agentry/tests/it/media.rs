//! Store media through the binary: `[media]` in agentry.toml puts uploads in a local directory,
//! so an image uploaded before a restart is served after it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::process::Server;

/// The first bytes of a PNG: what the upload check looks at.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

fn upload(addr: &str, bytes: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST /api/store/submissions/media HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: image/png\r\nContent-Length: {}\r\n\r\n",
        bytes.len()
    )
    .unwrap();
    stream.write_all(bytes).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

#[test]
fn uploaded_images_live_in_the_configured_directory_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("agentry.toml"),
        "log = \"warn\"\n[media]\ndir = \"store-media\"\n",
    )
    .unwrap();
    let server = Server::start(dir.path(), &["--no-auth", "--port", "0"], &[]);
    let (status, body) = upload(server.api(), PNG);
    assert_eq!(status, 200, "{body}");
    let url = serde_json::from_str::<serde_json::Value>(&body).unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(server.terminate().success());
    let stored: Vec<_> = std::fs::read_dir(dir.path().join("store-media"))
        .unwrap()
        .collect();
    assert_eq!(stored.len(), 1, "one file in the media directory");

    let server = Server::start(dir.path(), &["--no-auth", "--port", "0"], &[]);
    let mut stream = TcpStream::connect(server.api()).unwrap();
    write!(
        stream,
        "GET {url} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.api()
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    assert!(
        response.starts_with(b"HTTP/1.1 200"),
        "{url} is served after the restart"
    );
    assert!(response.ends_with(PNG), "the same bytes");
    assert!(server.terminate().success());
}
