//! AWS Config: configuration recorders and their status.

use rampart_checks::Collected;
use rampart_checks::inventory::config::ConfigRecorder;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, client, read};

pub async fn config_recorders(client: &aws_sdk_config::Client) -> Collected<Vec<ConfigRecorder>> {
    let (recorders, statuses) = tokio::join!(
        read::call("config:DescribeConfigurationRecorders", client.describe_configuration_recorders().send()),
        read::call("config:DescribeConfigurationRecorderStatus", client.describe_configuration_recorder_status().send())
    );
    let (recorders, statuses) = match (recorders, statuses) {
        (Ok(recorders), Ok(statuses)) => (recorders, statuses),
        // Either failure makes the list unknown; the recorders' first.
        (Err(why), _) | (_, Err(why)) => return Collected::Unknown(why),
    };
    let (recorders, statuses) = (recorders.configuration_recorders(), statuses.configuration_recorders_status());
    Collected::Known(
        recorders
            .iter()
            .map(|r| {
                let name = r.name().unwrap_or_default().to_string();
                let status = statuses.iter().find(|s| s.name() == Some(name.as_str()));
                ConfigRecorder {
                    all_supported: r.recording_group().map(|g| g.all_supported()).unwrap_or(false),
                    include_global_resource_types: r.recording_group().map(|g| g.include_global_resource_types()).unwrap_or(false),
                    recording: status.map(|s| s.recording()),
                    last_status: status.and_then(|s| s.last_status()).map(|s| s.as_str().to_string()),
                    name,
                }
            })
            .collect(),
    )
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::ConfigRecorders, config_recorders(&client!(session, aws_sdk_config, "config", region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.config.configuration_recorders = read) as Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::config::ConfigRecorder;
    use rampart_checks::inventory::{Cause, Source};

    use super::regional;
    use crate::collect::testing::{Answer, Protocol, Request, Stub, json, known, plan, unknown};

    fn answer(r: &Request) -> Answer {
        match r.action.as_str() {
            "DescribeConfigurationRecorders" => json(
                r#"{"ConfigurationRecorders":[{"name":"default","roleARN":"arn:aws:iam::123456789012:role/config",
                "recordingGroup":{"allSupported":true,"includeGlobalResourceTypes":true}},
                {"name":"partial","roleARN":"arn:aws:iam::123456789012:role/config",
                "recordingGroup":{"allSupported":false,"includeGlobalResourceTypes":false}}]}"#,
            ),
            "DescribeConfigurationRecorderStatus" => {
                json(r#"{"ConfigurationRecordersStatus":[{"name":"default","recording":true,"lastStatus":"SUCCESS"}]}"#)
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[tokio::test]
    async fn recorders_are_read_with_their_status() {
        let stub = Stub::start(answer).await;
        let inv = stub.regional(regional, &plan(&[Source::ConfigRecorders])).await;
        assert_eq!(known(&inv.config.configuration_recorders), &[
            ConfigRecorder {
                name: "default".into(),
                all_supported: true,
                include_global_resource_types: true,
                recording: Some(true),
                last_status: Some("SUCCESS".into()),
            },
            // A recorder without a status says nothing of whether it records.
            ConfigRecorder {
                name: "partial".into(),
                all_supported: false,
                include_global_resource_types: false,
                recording: None,
                last_status: None,
            },
        ]);
    }

    #[tokio::test]
    async fn a_denied_status_makes_the_recorders_unknown() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "DescribeConfigurationRecorderStatus" => Protocol::Json.error(
                "400 Bad Request",
                "AccessDeniedException",
                "not authorized to perform: config:DescribeConfigurationRecorderStatus",
            ),
            _ => answer(r),
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::ConfigRecorders])).await;
        assert_eq!(unknown(&inv.config.configuration_recorders), (
            Cause::Denied,
            "config:DescribeConfigurationRecorderStatus access denied: AccessDeniedException: \
             not authorized to perform: config:DescribeConfigurationRecorderStatus"
        ));
    }

    #[tokio::test]
    async fn when_both_fail_the_recorders_failure_is_the_reason() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "DescribeConfigurationRecorders" => Protocol::Json.throttled(),
            _ => Protocol::Json.error("400 Bad Request", "AccessDeniedException", "denied"),
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::ConfigRecorders])).await;
        assert_eq!(unknown(&inv.config.configuration_recorders), (
            Cause::Throttled,
            "config:DescribeConfigurationRecorders throttled after every retry: ThrottlingException: Rate exceeded"
        ));
    }
}
