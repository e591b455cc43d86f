//! Time blocks: current time and date, countdown timer.

use agentry_core::Registry;

pub mod countdown_timer;
pub mod format;
pub mod format_type;
pub mod get_current_date;
pub mod get_current_date_and_time;
pub mod get_current_time;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    r.register(countdown_timer::CountdownTimer);
    r.register(get_current_date::GetCurrentDate);
    r.register(get_current_date_and_time::GetCurrentDateAndTime);
    r.register(get_current_time::GetCurrentTime);
}

#[cfg(test)]
mod tests {
    use crate::data::tests::assert_pins;
    use serde_json::json;

    #[test]
    fn pins_match_autogpt() {
        let mut r = agentry_core::Registry::new();
        super::register(&mut r);
        assert_pins(
            &r,
            "a892b8d9-3e4e-4e9c-9c1e-75f8efcf1bfa",
            &["trigger"],
            &["time", "error"],
        );
        assert_pins(
            &r,
            "b29c1b50-5d0e-4d9f-8f9d-1b0e6fcbf0b1",
            &["trigger"],
            &["date", "error"],
        );
        assert_pins(
            &r,
            "716a67b3-6760-42e7-86dc-18645c6e00fc",
            &["trigger"],
            &["date_time", "error"],
        );
        assert_pins(
            &r,
            "d67a9c52-5e4e-11e2-bcfd-0800200c9a71",
            &[],
            &["output_message", "error"],
        );
        let info = r.info("716a67b3-6760-42e7-86dc-18645c6e00fc").unwrap();
        assert_eq!(
            info.input_schema["properties"]["format_type"]["default"],
            json!({"discriminator": "strftime", "format": "%Y-%m-%d %H:%M:%S",
                "timezone": "UTC", "use_user_timezone": false})
        );
        let timer = r.info("d67a9c52-5e4e-11e2-bcfd-0800200c9a71").unwrap();
        assert_eq!(
            timer.input_schema["properties"]["input_message"]["default"],
            json!("timer finished")
        );
        assert_eq!(
            timer.input_schema["properties"]["repeat"]["default"],
            json!(1)
        );
    }
}
