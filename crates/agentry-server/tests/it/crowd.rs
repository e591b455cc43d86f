//! A crowd of clients: a thousand connections opened at once are all accepted and answered,
//! none reset.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::TestApp;

const CLIENTS: usize = 1_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_clients_at_once_are_all_answered() {
    // The test holds both ends of every connection.
    agentry_server::listener::raise_open_files_limit();
    let app = TestApp::start().await;
    let addr = app.addr().to_string();
    // Every connection is open before any request is sent, so all wait in the accept queue
    // or in the server at the same time.
    let mut streams = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        streams.push(TcpStream::connect(&addr).await.expect("connect"));
    }
    let mut clients = tokio::task::JoinSet::new();
    let request = format!("GET /health HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    for mut stream in streams {
        let request = request.clone();
        clients.spawn(async move {
            stream.write_all(request.as_bytes()).await?;
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await?;
            std::io::Result::Ok(answer)
        });
    }
    let mut answered = 0;
    while let Some(result) = clients.join_next().await {
        let answer = result.unwrap().expect("no connection is reset");
        let head = String::from_utf8_lossy(&answer[..answer.len().min(12)]).to_string();
        assert_eq!(head, "HTTP/1.1 200", "{}", String::from_utf8_lossy(&answer));
        answered += 1;
    }
    assert_eq!(answered, CLIENTS);
}
