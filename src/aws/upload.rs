//! Reports uploaded to S3 (`-o s3://…`, `--output-dir s3://…/`): one PutObject each, so an
//! object is written whole or not at all, always with server-side encryption (SSE-KMS with
//! `--s3-kms-key`, SSE-S3 otherwise). And reports read back from S3 for `rampart merge`
//! (ListObjectsV2, GetObject).

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;
use aws_config::SdkConfig;

use crate::error::RunError;
use crate::output::Upload;
use crate::settings::S3Target;

/// The S3 client for `bucket`, in the bucket's region when it can be read
/// (GetBucketLocation); in the configuration's region otherwise (a writer may be allowed
/// PutObject and nothing else). A bucket that does not exist is an error now, before a
/// long collection.
pub async fn client_for(config: &SdkConfig, target: &S3Target) -> Result<aws_sdk_s3::Client, RunError> {
    let base = aws_sdk_s3::Client::new(config);
    let region = match base.get_bucket_location().bucket(&target.bucket).send().await {
        Ok(out) => out.location_constraint().map(|c| c.as_str().to_string()).filter(|r| !r.is_empty()).or_else(|| Some("us-east-1".into())),
        Err(e) => {
            use aws_sdk_s3::error::ProvideErrorMetadata;
            if e.code() == Some("NoSuchBucket") {
                return Err(RunError::Write {
                    path: target.to_string().into(),
                    source: std::io::Error::new(std::io::ErrorKind::NotFound, "the bucket does not exist"),
                });
            }
            None
        }
    };
    let mut builder = aws_sdk_s3::config::Builder::from(config);
    if let Some(region) = region {
        builder = builder.region(aws_config::Region::new(region));
    }
    Ok(aws_sdk_s3::Client::from_conf(builder.build()))
}

/// Uploads one rendering. The error names the object and AWS's reason.
pub async fn put(client: &aws_sdk_s3::Client, upload: Upload) -> Result<(), RunError> {
    let target = &upload.to;
    let mut request = client
        .put_object()
        .bucket(&target.bucket)
        .key(&target.key)
        .content_type(upload.content_type)
        .body(ByteStream::from(upload.body));
    request = match &target.kms_key {
        Some(key) => request.server_side_encryption(ServerSideEncryption::AwsKms).ssekms_key_id(key),
        None => request.server_side_encryption(ServerSideEncryption::Aes256),
    };
    request.send().await.map(drop).map_err(|e| RunError::Write {
        path: target.to_string().into(),
        source: std::io::Error::other(super::error::describe("s3:PutObject", &e).to_string()),
    })
}

/// The keys of every object under `prefix` (its `key`, all levels below it), in S3's order.
pub async fn list(client: &aws_sdk_s3::Client, prefix: &S3Target) -> Result<Vec<String>, RunError> {
    let mut pages = client.list_objects_v2().bucket(&prefix.bucket).prefix(&prefix.key).into_paginator().send();
    let mut keys = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| RunError::Report {
            path: prefix.to_string().into(),
            message: super::error::describe("s3:ListObjectsV2", &e).to_string(),
        })?;
        keys.extend(page.contents().iter().filter_map(|o| o.key().map(str::to_string)));
    }
    Ok(keys)
}

/// Why an object could not be read.
pub enum GetError {
    /// Its size, larger than the limit: not read.
    TooLarge(u64),
    Failed(RunError),
}

/// The content of one object, if it has at most `limit` bytes. The error names the object
/// and AWS's reason.
pub async fn get(client: &aws_sdk_s3::Client, target: &S3Target, limit: u64) -> Result<Vec<u8>, GetError> {
    let fail = |message: String| GetError::Failed(RunError::Report { path: target.to_string().into(), message });
    let out = client
        .get_object()
        .bucket(&target.bucket)
        .key(&target.key)
        .send()
        .await
        .map_err(|e| fail(super::error::describe("s3:GetObject", &e).to_string()))?;
    let size = out.content_length().and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
    if size > limit {
        return Err(GetError::TooLarge(size));
    }
    let body = out.body.collect().await.map_err(|e| fail(format!("s3:GetObject: the body could not be read: {e}")))?;
    Ok(body.into_bytes().to_vec())
}
