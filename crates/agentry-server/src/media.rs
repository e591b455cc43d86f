//! File storage for store media (submission images) through the `object_store` crate: a local
//! directory by default, any S3-compatible service by configuration. An upload is checked
//! before it is stored: at most `max_bytes`, and a PNG, JPEG, GIF or WebP by its magic bytes
//! (whatever the request's content type says). Stored files are named by a random id and their
//! type, and served back at `/api/store/media/{file}`.

use std::path::Path;
use std::sync::Arc;

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

/// Where uploads are posted (the one route that takes a non-JSON body besides webhooks).
pub const UPLOAD_PATH: &str = "/api/store/submissions/media";

/// The largest image accepted by default: 5 MiB.
pub const DEFAULT_MAX_BYTES: usize = 5 * 1024 * 1024;

/// An S3-compatible bucket.
#[derive(Debug, Clone)]
pub struct S3Settings {
    /// e.g. `https://s3.eu-west-1.amazonaws.com`, or a MinIO address.
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Plain HTTP to the endpoint (a local MinIO or test server).
    pub allow_http: bool,
}

/// Why an upload or a read failed.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("the image is {size} bytes; at most {max} are accepted")]
    TooLarge { size: usize, max: usize },
    #[error("the file is not a PNG, JPEG, GIF or WebP image")]
    NotAnImage,
    #[error("no such media file")]
    NotFound,
    #[error("file storage failed: {0}")]
    Storage(#[from] object_store::Error),
}

/// The media store; cheap to clone.
#[derive(Clone)]
pub struct Media {
    store: Arc<dyn ObjectStore>,
    max_bytes: usize,
}

impl Media {
    /// Files under `dir` (created when missing).
    pub fn local(dir: &Path) -> Result<Media, MediaError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            MediaError::Storage(object_store::Error::Generic {
                store: "local",
                source: Box::new(e),
            })
        })?;
        Ok(Media::new(Arc::new(LocalFileSystem::new_with_prefix(dir)?)))
    }

    /// An S3-compatible bucket.
    pub fn s3(settings: &S3Settings) -> Result<Media, MediaError> {
        let store = AmazonS3Builder::new()
            .with_endpoint(&settings.endpoint)
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key)
            .with_allow_http(settings.allow_http)
            .with_virtual_hosted_style_request(false)
            .build()?;
        Ok(Media::new(Arc::new(store)))
    }

    /// Kept in memory only (tests, and servers built without a media setting).
    pub fn in_memory() -> Media {
        Media::new(Arc::new(InMemory::new()))
    }

    fn new(store: Arc<dyn ObjectStore>) -> Media {
        Media {
            store,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }

    /// With another size limit.
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Media {
        self.max_bytes = max_bytes;
        self
    }

    /// Checks and stores an image; returns its file name.
    pub async fn put_image(&self, bytes: axum::body::Bytes) -> Result<String, MediaError> {
        if bytes.len() > self.max_bytes {
            return Err(MediaError::TooLarge {
                size: bytes.len(),
                max: self.max_bytes,
            });
        }
        let (_, ext) = image_type(&bytes).ok_or(MediaError::NotAnImage)?;
        let file = format!("{}.{ext}", uuid::Uuid::new_v4().simple());
        self.store
            .put(&object_path(&file), PutPayload::from_bytes(bytes))
            .await?;
        Ok(file)
    }

    /// A stored file and its content type.
    pub async fn get(&self, file: &str) -> Result<(axum::body::Bytes, &'static str), MediaError> {
        let content_type = file_type(file).ok_or(MediaError::NotFound)?;
        let got = match self.store.get(&object_path(file)).await {
            Ok(got) => got,
            Err(object_store::Error::NotFound { .. }) => return Err(MediaError::NotFound),
            Err(e) => return Err(e.into()),
        };
        Ok((got.bytes().await?, content_type))
    }
}

fn object_path(file: &str) -> ObjectPath {
    ObjectPath::from(format!("store/{file}"))
}

/// The content type of a file name this module made (`{32 hex}.{ext}`), or `None` for any
/// other name, so a request can never name a path of its own.
fn file_type(file: &str) -> Option<&'static str> {
    let (id, ext) = file.split_once('.')?;
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    IMAGE_TYPES
        .iter()
        .find(|(_, e)| *e == ext)
        .map(|(mime, _)| *mime)
}

const IMAGE_TYPES: [(&str, &str); 4] = [
    ("image/png", "png"),
    ("image/jpeg", "jpg"),
    ("image/gif", "gif"),
    ("image/webp", "webp"),
];

/// The image type the bytes start with.
fn image_type(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    let index = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        0
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        1
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        2
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        3
    } else {
        return None;
    };
    Some(IMAGE_TYPES[index])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_magic_bytes_and_names_from_this_module() {
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\nrest").unwrap().1, "png");
        assert_eq!(image_type(b"RIFF1234WEBPVP8 ").unwrap().1, "webp");
        assert!(image_type(b"<svg xmlns=").is_none());
        assert_eq!(
            file_type(&format!("{}.png", "a".repeat(32))),
            Some("image/png")
        );
        assert_eq!(file_type("../../etc/passwd.png"), None);
        assert_eq!(file_type(&format!("{}.svg", "a".repeat(32))), None);
    }
}
