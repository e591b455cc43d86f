//! Trigger blocks: nodes a run starts from when something outside calls in (webhooks).

use agentry_core::Registry;

pub mod generic_webhook;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    r.register(generic_webhook::GenericWebhookTrigger);
}
