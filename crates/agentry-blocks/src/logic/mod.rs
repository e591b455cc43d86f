//! Logic and arithmetic blocks: calculator, conditions, counting.

pub mod calculator;
