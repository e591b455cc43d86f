//! JavaScript in the sandbox: ordinary programs work, hostile ones are stopped by each limit.

mod support;

use std::time::{Duration, Instant};

use support::js;

#[tokio::test]
async fn captures_console_output_and_the_completion_value() {
    let out = js(
        "console.log('hello', 1 + 1, {a: [1]});\nconsole.error('warn');\n[1, 2].map(x => x * 2)",
    )
    .await;
    assert_eq!(out.error, None, "{out:?}");
    assert_eq!(out.stdout, "hello 2 {\"a\":[1]}\n");
    assert_eq!(out.stderr, "warn\n");
    assert_eq!(out.result.as_deref(), Some("[2,4]"));
    let out = js("let x = 1;").await;
    assert_eq!((out.result, out.error), (None, None));
}

#[tokio::test]
async fn an_exception_is_the_error() {
    let out = js("console.log('before'); throw new TypeError('boom')").await;
    assert_eq!(out.error.as_deref(), Some("TypeError: boom"));
    assert_eq!(out.stdout, "before\n");
    let out = js("null.x").await;
    assert!(out.error.unwrap().starts_with("TypeError"));
    let out = js("throw 42").await;
    assert_eq!(out.error.as_deref(), Some("Uncaught 42"));
}

#[tokio::test]
async fn an_infinite_loop_is_stopped_at_the_cpu_limit() {
    let started = Instant::now();
    let out = js("for (;;) {}").await;
    assert!(!out.timed_out);
    assert!(out.error.unwrap().contains("CPU time limit"));
    assert!(started.elapsed() < Duration::from_secs(15));
    // Catching the interrupt does not help.
    let out = js("while (true) { try { for (;;) {} } catch (e) {} }").await;
    assert!(!out.timed_out);
    assert!(out.error.unwrap().contains("CPU time limit"));
}

#[tokio::test]
async fn a_memory_bomb_hits_the_memory_limit() {
    let out = js("const a = []; for (;;) a.push(new Array(1e6).fill(1.5));").await;
    assert!(!out.timed_out);
    let error = out.error.expect("the bomb must fail");
    assert!(
        error.contains("out of memory") || error.contains("InternalError"),
        "{error}"
    );
    let out = js("'x'.repeat(2 ** 29)").await;
    assert!(out.error.is_some(), "{out:?}");
}

#[tokio::test]
async fn there_is_no_module_process_file_or_network_api() {
    let out = js(
        "[typeof require, typeof std, typeof os, typeof process, typeof fetch, \
                  typeof XMLHttpRequest, typeof Deno, typeof module, typeof scriptArgs, \
                  typeof setTimeout, typeof WebSocket].join(',')",
    )
    .await;
    assert_eq!(out.error, None, "{out:?}");
    assert_eq!(out.result.as_deref(), Some(&*["undefined"; 11].join(",")));
    let out = js("import * as std from 'std';").await;
    assert!(out.error.unwrap().starts_with("SyntaxError"));
    let out = js("let seen = 'pending'; import('os').then(() => { seen = 'loaded' }, e => { seen = String(e) }); seen").await;
    assert_ne!(out.result.as_deref(), Some("loaded"));
}
