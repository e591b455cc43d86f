//! Email blocks: AutoGPT's SendEmailBlock over SMTP (lettre, rustls only).

use agentry_core::Registry;

pub mod send_email;
pub mod smtp;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    r.register(send_email::SendEmail);
}
