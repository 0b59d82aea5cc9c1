//! IAM and resource policy documents: parsing (serde) and the questions checks ask of them.
