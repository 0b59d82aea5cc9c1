//! SNS: subscriptions.

use rampart_checks::Collected;
use rampart_checks::inventory::sns::Subscription;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, client, read};

pub async fn subscriptions(client: &aws_sdk_sns::Client) -> Collected<Vec<Subscription>> {
    // Endpoints (e-mail addresses, phone numbers) are personal data: not kept.
    read::items("sns:ListSubscriptions", client.list_subscriptions().into_paginator().items().send(), |s| {
        Subscription {
            topic_arn: s.topic_arn().unwrap_or_default().to_string(),
            subscription_arn: s.subscription_arn().map(str::to_string),
        }
    })
    .await
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::SnsSubscriptions, subscriptions(&client!(session, aws_sdk_sns, "sns", region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.sns.subscriptions = read) as Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::sns::Subscription;
    use rampart_checks::inventory::{Cause, Source};

    use super::regional;
    use crate::collect::testing::{Answer, Protocol, Stub, known, plan, query, unknown};

    fn member(topic: &str, protocol: &str) -> String {
        format!(
            "<member><TopicArn>arn:aws:sns:us-east-1:123456789012:{topic}</TopicArn><Protocol>{protocol}</Protocol>\
             <SubscriptionArn>arn:aws:sns:us-east-1:123456789012:{topic}:1</SubscriptionArn><Owner>123456789012</Owner>\
             <Endpoint>ops@example.com</Endpoint></member>"
        )
    }

    fn page(members: &str, next: &str) -> Answer {
        query("ListSubscriptions", &format!("<Subscriptions>{members}</Subscriptions>{next}"))
    }

    fn first_page() -> Answer {
        page(&member("alarms", "email"), "<NextToken>page-2</NextToken>")
    }

    #[tokio::test]
    async fn every_page_of_subscriptions_is_read_without_endpoints() {
        let stub = Stub::start(|r| {
            assert_eq!(r.action, "ListSubscriptions");
            if r.body.contains("NextToken=page-2") { page(&member("billing", "sqs"), "") } else { first_page() }
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::SnsSubscriptions])).await;
        let subscription = |topic: &str| Subscription {
            topic_arn: format!("arn:aws:sns:us-east-1:123456789012:{topic}"),
            subscription_arn: Some(format!("arn:aws:sns:us-east-1:123456789012:{topic}:1")),
        };
        assert_eq!(known(&inv.sns.subscriptions), &[subscription("alarms"), subscription("billing")]);
        assert_eq!(stub.actions(), ["ListSubscriptions", "ListSubscriptions"]);
    }

    #[tokio::test]
    async fn a_denied_listing_is_unknown_with_the_reason() {
        let stub =
            Stub::start(|_| Protocol::Query.error("403 Forbidden", "AuthorizationError", "not authorized to perform: SNS:ListSubscriptions")).await;
        let inv = stub.regional(regional, &plan(&[Source::SnsSubscriptions])).await;
        assert_eq!(unknown(&inv.sns.subscriptions), (
            Cause::Denied,
            "sns:ListSubscriptions access denied: AuthorizationError: not authorized to perform: SNS:ListSubscriptions"
        ));
    }

    #[tokio::test]
    async fn a_failed_second_page_makes_the_whole_list_unknown() {
        let stub = Stub::start(|r| {
            if r.body.contains("NextToken=page-2") { Protocol::Query.throttled() } else { first_page() }
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::SnsSubscriptions])).await;
        assert_eq!(unknown(&inv.sns.subscriptions), (
            Cause::Throttled,
            "sns:ListSubscriptions throttled after every retry: Throttling: Rate exceeded"
        ));
    }
}
