//! EFS: file systems.

use rampart_checks::Collected;
use rampart_checks::inventory::efs::FileSystem;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, client, read};

pub async fn file_systems(client: &aws_sdk_efs::Client) -> Collected<Vec<FileSystem>> {
    read::items(
        "elasticfilesystem:DescribeFileSystems",
        client.describe_file_systems().into_paginator().items().send(),
        |f| FileSystem {
            file_system_id: f.file_system_id().to_string(),
            arn: f.file_system_arn().map(str::to_string),
            encrypted: f.encrypted().unwrap_or(false),
        }
    )
    .await
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::EfsFileSystems, file_systems(&client!(session, aws_sdk_efs, "efs", region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.efs.file_systems = read) as Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::{Cause, Source};
    use rampart_checks::inventory::efs::FileSystem;

    use super::regional;
    use crate::collect::testing::{Protocol, Stub, json, known, plan, unknown};

    #[tokio::test]
    async fn file_systems_are_read() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "REST GET /2015-02-01/file-systems" => json(
                r#"{"FileSystems":[{"FileSystemId":"fs-1","Encrypted":true,
                "FileSystemArn":"arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1",
                "OwnerId":"123456789012","CreationToken":"t","CreationTime":1700000000,"LifeCycleState":"available","NumberOfMountTargets":0,
                "SizeInBytes":{"Value":0},"PerformanceMode":"generalPurpose","Tags":[]},
                {"FileSystemId":"fs-2","Encrypted":false,"OwnerId":"123456789012","CreationToken":"u","CreationTime":1700000000,
                "LifeCycleState":"available","NumberOfMountTargets":0,"SizeInBytes":{"Value":0},"PerformanceMode":"generalPurpose","Tags":[]}]}"#,
            ),
            other => panic!("unexpected {other}"),
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::EfsFileSystems])).await;
        assert_eq!(known(&inv.efs.file_systems), &[
            FileSystem {
                file_system_id: "fs-1".into(),
                arn: Some("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1".into()),
                encrypted: true
            },
            FileSystem { file_system_id: "fs-2".into(), arn: None, encrypted: false },
        ]);
    }

    #[tokio::test]
    async fn a_denied_listing_is_unknown_with_the_reason() {
        let stub = Stub::start(|_| Protocol::Json.denied("elasticfilesystem:DescribeFileSystems")).await;
        let inv = stub.regional(regional, &plan(&[Source::EfsFileSystems])).await;
        assert_eq!(unknown(&inv.efs.file_systems), (
            Cause::Denied,
            "elasticfilesystem:DescribeFileSystems access denied: AccessDeniedException: \
             not authorized to perform: elasticfilesystem:DescribeFileSystems"
        ));
    }

    #[tokio::test]
    async fn throttling_past_the_attempts_is_unknown_throttled() {
        let stub = Stub::start(|_| Protocol::Json.throttled()).await;
        let inv = stub.regional(regional, &plan(&[Source::EfsFileSystems])).await;
        assert_eq!(unknown(&inv.efs.file_systems), (
            Cause::Throttled,
            "elasticfilesystem:DescribeFileSystems throttled after every retry: ThrottlingException: Rate exceeded"
        ));
    }

    #[tokio::test]
    async fn nothing_is_sent_when_the_plan_holds_no_efs_source() {
        let stub = Stub::start(|r| panic!("sent {}", r.action)).await;
        let inv = stub.regional(regional, &plan(&[Source::Vpcs])).await;
        assert_eq!(unknown(&inv.efs.file_systems).0, Cause::NotCollected);
        assert!(stub.actions().is_empty());
    }
}
