//! The web app embedded in the binary (`ui/dist`, or the placeholder page `build.rs` wrote when
//! the app could not be built). Debug builds read the folder at run time, so
//! `npm run build -- --watch` shows changes without recompiling.

use agentry_server::web_app::{AppFile, AppFiles, WebApp};

#[derive(rust_embed::Embed)]
#[folder = "$AGENTRY_UI_DIST"]
struct Dist;

struct Embedded;

impl AppFiles for Embedded {
    fn get(&self, path: &str) -> Option<AppFile> {
        let file = Dist::get(path)?;
        Some(AppFile {
            mime: file.metadata.mimetype().to_string().into(),
            bytes: file.data,
        })
    }
}

pub fn embedded() -> WebApp {
    WebApp::new(Embedded)
}
