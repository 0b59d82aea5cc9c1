//! The CloudWatch Logs filter-pattern language: a parser and an evaluator over JSON events.
