//! Routes whose OpenAPI operations are generated only when the document is asked for.
//!
//! `utoipa_axum::routes!` builds each handler's operation and every schema it names as it
//! registers the route, so a starting server ran all of the document's code and held the
//! document (twice) though most servers are never asked for it (issue 10, point 6). This
//! crate's `routes!` registers the same handlers on the same paths and methods, and builds
//! their operations only inside [`with_docs`], which `GET /api/openapi.json` and
//! `agentry openapi` use.

use std::cell::Cell;

thread_local! {
    static WANTED: Cell<bool> = const { Cell::new(false) };
}

/// Whether routes registered now on this thread carry their OpenAPI operations.
pub(crate) fn wanted() -> bool {
    WANTED.with(Cell::get)
}

/// Runs `build` with every route it registers carrying its OpenAPI operation and schemas.
pub(crate) fn with_docs<T>(build: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            let before = self.0;
            WANTED.with(|w| w.set(before));
        }
    }
    let _reset = Reset(WANTED.with(|w| w.replace(true)));
    build()
}

/// `utoipa_axum::routes!` with the operations left out unless [`with_docs`] asks for them:
/// the handlers' paths and methods come from their `#[utoipa::path]` attributes either way.
macro_rules! routes {
    ($($handler:ident),+ $(,)?) => {
        if $crate::route_docs::wanted() {
            utoipa_axum::routes!($($handler),+)
        } else {
            #[allow(unused_imports)]
            use utoipa::Path as _;
            #[allow(unused_imports)]
            use utoipa_axum::PathItemExt as _;
            let mut paths = utoipa::openapi::path::Paths::new();
            let mut method_router = axum::routing::MethodRouter::new();
            $(
                let path = utoipa_axum::paste! { [<__path_ $handler>]::path() };
                let methods = utoipa_axum::paste! { [<__path_ $handler>]::methods() };
                for method in &methods {
                    method_router = method_router.on(method.to_method_filter(), $handler);
                }
                paths.add_path_operation(
                    &path,
                    methods,
                    utoipa::openapi::path::Operation::new(),
                );
            )+
            (Vec::new(), paths, method_router)
        }
    };
}
pub(crate) use routes;
