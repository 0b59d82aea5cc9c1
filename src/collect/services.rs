//! Regional SSM (patching), RDS and EFS.

use rampart_checks::Collected;
use rampart_checks::inventory::services::{DbCluster, DbInstance, FileSystem, ManagedInstance, PatchCompliance};


pub async fn managed_instances(client: &aws_sdk_ssm::Client) -> Collected<Vec<ManagedInstance>> {
    collect_items!(
        "ssm:DescribeInstanceInformation",
        client.describe_instance_information().into_paginator(),
        |i: aws_sdk_ssm::types::InstanceInformation| ManagedInstance {
            instance_id: i.instance_id().unwrap_or_default().to_string(),
            ping_status: i.ping_status().map(|p| p.as_str().to_string()),
            platform_name: i.platform_name().map(str::to_string),
        }
    )
}

/// One call for every resource: ListResourceComplianceSummaries filtered to patching.
pub async fn patch_compliance(client: &aws_sdk_ssm::Client) -> Collected<Vec<PatchCompliance>> {
    let filter = aws_sdk_ssm::types::ComplianceStringFilter::builder()
        .key("ComplianceType")
        .values("Patch")
        .r#type(aws_sdk_ssm::types::ComplianceQueryOperatorType::Equal)
        .build();
    collect_items!(
        "ssm:ListResourceComplianceSummaries",
        client.list_resource_compliance_summaries().filters(filter).into_paginator(),
        |s: aws_sdk_ssm::types::ResourceComplianceSummaryItem| {
            let non = s.non_compliant_summary();
            let severity = non.and_then(|n| n.severity_summary());
            PatchCompliance {
                resource_id: s.resource_id().unwrap_or_default().to_string(),
                status: s.status().map(|x| x.as_str().to_string()).unwrap_or_default(),
                non_compliant_critical: severity.map(|x| x.critical_count()).unwrap_or(0),
                non_compliant_high: severity.map(|x| x.high_count()).unwrap_or(0),
                non_compliant_total: non.map(|n| n.non_compliant_count()).unwrap_or(0),
            }
        }
    )
}

pub async fn db_instances(client: &aws_sdk_rds::Client) -> Collected<Vec<DbInstance>> {
    collect_items!("rds:DescribeDBInstances", client.describe_db_instances().into_paginator(), |d: aws_sdk_rds::types::DbInstance| {
        DbInstance {
            db_instance_identifier: d.db_instance_identifier().unwrap_or_default().to_string(),
            arn: d.db_instance_arn().map(str::to_string),
            engine: d.engine().map(str::to_string),
            storage_encrypted: d.storage_encrypted().unwrap_or(false),
            publicly_accessible: d.publicly_accessible().unwrap_or(false),
            auto_minor_version_upgrade: d.auto_minor_version_upgrade().unwrap_or(false),
            multi_az: d.multi_az().unwrap_or(false),
            db_cluster_identifier: d.db_cluster_identifier().map(str::to_string),
        }
    })
}

pub async fn db_clusters(client: &aws_sdk_rds::Client) -> Collected<Vec<DbCluster>> {
    collect_items!("rds:DescribeDBClusters", client.describe_db_clusters().into_paginator(), |d: aws_sdk_rds::types::DbCluster| {
        DbCluster {
            db_cluster_identifier: d.db_cluster_identifier().unwrap_or_default().to_string(),
            arn: d.db_cluster_arn().map(str::to_string),
            engine: d.engine().map(str::to_string),
            storage_encrypted: d.storage_encrypted().unwrap_or(false),
            multi_az: d.multi_az().unwrap_or(false),
        }
    })
}

pub async fn file_systems(client: &aws_sdk_efs::Client) -> Collected<Vec<FileSystem>> {
    collect_items!(
        "elasticfilesystem:DescribeFileSystems",
        client.describe_file_systems().into_paginator(),
        |f: aws_sdk_efs::types::FileSystemDescription| FileSystem {
            file_system_id: f.file_system_id().to_string(),
            arn: f.file_system_arn().map(str::to_string),
            encrypted: f.encrypted().unwrap_or(false),
        }
    )
}

/// Macie GetMacieSession. Where Macie is off, AWS answers AccessDenied "Macie is not
/// enabled" (or ResourceNotFound, as emulators do): that is data; any other denial is not.
pub async fn macie_session(client: &aws_sdk_macie2::Client) -> Collected<Option<rampart_checks::inventory::services::MacieSession>> {
    use aws_sdk_macie2::error::ProvideErrorMetadata;
    match client.get_macie_session().send().await {
        Ok(out) => Collected::Known(Some(rampart_checks::inventory::services::MacieSession {
            status: out.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
        })),
        Err(e)
            if e.as_service_error().is_some_and(|se| {
                se.code() == Some("ResourceNotFoundException")
                    || (se.code() == Some("AccessDeniedException") && se.message().is_some_and(|m| m.contains("not enabled")))
            }) =>
        {
            Collected::Known(None)
        }
        Err(e) => Collected::Unknown(crate::aws::error::describe("macie2:GetMacieSession", &e)),
    }
}
