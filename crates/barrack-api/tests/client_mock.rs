//! The client against a scripted server: URLs, auth, envelopes, errors, retries, adoption.

mod mock;

use std::time::{Duration, Instant};

use barrack_api::wire::{CreateSshKeyRequest, DeploymentRequest};
use barrack_api::{AuthStyle, Client, ClientConfig, Error, Id, Op, RetryPolicy};
use mock::{ok, status, Reply};
use serde_json::json;

const KEY: &str = "sk-live-TOPSECRET-0123";

fn client(base_url: &str) -> Client {
    client_with(base_url, |_| {})
}

fn client_with(base_url: &str, tweak: impl FnOnce(&mut ClientConfig)) -> Client {
    let mut config = ClientConfig::new(base_url, KEY);
    config.timeout = Duration::from_secs(5);
    config.retry = RetryPolicy {
        max_attempts: 4,
        max_elapsed: Duration::from_secs(10),
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
    };
    tweak(&mut config);
    Client::new(config).unwrap()
}

fn assert_no_key(e: &Error) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("TOPSECRET"), "key leaked: {shown}");
}

#[tokio::test]
async fn builds_urls_sends_auth_and_unwraps_the_envelope() {
    let server = mock::start(|_, _| {
        ok(json!({"status": true, "message": "ok",
                  "instance": {"id": 7, "name": "vm", "status": "ACTIVE", "new_field": 1}}))
    })
    .await;
    let instance = client(&server.base_url)
        .get_instance(&Id::new(7))
        .await
        .unwrap();
    assert_eq!(instance.id, Id::new(7));
    assert_eq!(instance.status, "ACTIVE");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].target, "/v1/instances/7");
    assert_eq!(
        seen[0].header("authorization"),
        Some("Bearer sk-live-TOPSECRET-0123")
    );
    assert!(seen[0]
        .header("user-agent")
        .unwrap()
        .starts_with("garrison"));
}

#[tokio::test]
async fn auth_style_is_configurable() {
    let server =
        mock::start(|_, _| ok(json!({"balance": {"balance": 12.5, "currency": "USD"}}))).await;
    let c = client_with(&server.base_url, |c| c.auth = AuthStyle::XApiKey);
    assert_eq!(c.get_balance().await.unwrap().balance, 12.5);
    let seen = server.seen();
    assert_eq!(seen[0].header("x-api-key"), Some(KEY));
    assert_eq!(seen[0].header("authorization"), None);
}

#[tokio::test]
async fn api_errors_carry_context_and_no_key() {
    let server = mock::start(|_, _| {
        Reply::Json(
            404,
            json!({"status": false, "message": "instance 9 not found", "error_reason": "not_found"}),
            vec![("x-request-id", "req-abc".into())],
        )
    })
    .await;
    let e = client(&server.base_url)
        .get_instance(&Id::new(9))
        .await
        .unwrap_err();
    assert!(e.is_not_found());
    assert_eq!(e.request_id(), Some("req-abc"));
    assert_eq!(
        e.to_string(),
        format!(
            "GET {}/instances/9 failed with HTTP 404: instance 9 not found (not_found) [request id req-abc]",
            server.base_url
        )
    );
    assert_no_key(&e);
    assert_eq!(server.seen().len(), 1, "a 404 is not retried");
}

#[tokio::test]
async fn non_json_error_bodies_and_undecodable_success() {
    let server = mock::start(|seen, _| {
        if seen.path().ends_with("/balance") {
            Reply::Text(502, "<html>bad gateway</html>")
        } else {
            ok(json!({"status": true, "message": "no resource here"}))
        }
    })
    .await;
    let c = client_with(&server.base_url, |c| c.retry = RetryPolicy::none());
    let e = c.get_balance().await.unwrap_err();
    assert_eq!(e.status(), Some(502));
    assert!(e.to_string().contains("<html>bad gateway</html>"), "{e}");
    let e = c.get_volume(&Id::new(1)).await.unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e:?}");
    assert!(e.to_string().contains("no `volume` key"), "{e}");
}

#[tokio::test]
async fn idempotent_reads_retry_5xx_and_give_up_within_budget() {
    let server = mock::start(|_, n| {
        if n < 2 {
            status(503, "busy")
        } else {
            ok(json!({"volume": {"id": 3, "name": "v"}}))
        }
    })
    .await;
    let c = client(&server.base_url);
    assert_eq!(c.get_volume(&Id::new(3)).await.unwrap().name, "v");
    assert_eq!(server.seen().len(), 3);

    let always = mock::start(|_, _| status(500, "boom")).await;
    let e = client(&always.base_url).list_regions().await.unwrap_err();
    match &e {
        Error::RetryBudgetExhausted { attempts, last, .. } => {
            assert_eq!(*attempts, 4);
            assert_eq!(last.status(), Some(500));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(always.seen().len(), 4);
    assert_no_key(&e);
}

#[tokio::test]
async fn retry_after_is_honoured_even_for_creates() {
    let server = mock::start(|_, n| {
        if n == 0 {
            Reply::Json(
                429,
                json!({"status": false, "message": "slow down"}),
                vec![("retry-after", "0.3".into())],
            )
        } else {
            ok(json!({"keypair": {"id": 1, "name": "k"}}))
        }
    })
    .await;
    let started = Instant::now();
    let created = client(&server.base_url)
        .create_ssh_key(&CreateSshKeyRequest {
            name: "k".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(!created.adopted);
    assert_eq!(server.count("POST", "/v1/ssh-keys"), 2);
}

#[tokio::test]
async fn non_idempotent_routes_do_not_retry_unknown_outcomes() {
    // A security rule add that fails with 500: not resent (the rule may exist now).
    let server = mock::start(|_, _| status(500, "internal")).await;
    let e = client(&server.base_url)
        .add_instance_security_rule(&Id::new(1), &Default::default())
        .await
        .unwrap_err();
    assert!(e.outcome_unknown());
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn dropped_create_is_adopted_not_resent() {
    // Made by the dropped create: `created_at` after the request (D3's ownership rule).
    let now = chrono::Utc::now().to_rfc3339();
    let server = mock::start(move |seen, _| match (seen.method.as_str(), seen.path()) {
        ("POST", "/v1/instances") => Reply::Drop,
        ("GET", "/v1/instances") => ok(
            json!({"status": true, "count": 2, "page": 1, "page_size": 200,
            "instances": [{"id": 1, "name": "other"}, {"id": 2, "name": "trainer-0", "created_at": now}]}),
        ),
        _ => status(500, "unexpected"),
    })
    .await;
    let created = client(&server.base_url)
        .deploy_instance(&DeploymentRequest {
            name: "trainer-0".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(created.adopted);
    assert_eq!(created.value.instances.len(), 1);
    assert_eq!(created.value.instances[0].id, Id::new(2));
    assert_eq!(server.count("POST", "/v1/instances"), 1);
}

#[tokio::test]
async fn dropped_create_with_nothing_found_is_sent_again() {
    let server = mock::start(|seen, n| match (seen.method.as_str(), seen.path()) {
        ("POST", "/v1/firewalls") if n == 0 => Reply::Drop,
        ("POST", "/v1/firewalls") => ok(json!({"firewall": {"id": 5, "name": "fw"}})),
        ("GET", "/v1/firewalls") => ok(json!({"count": 0, "firewalls": []})),
        _ => status(500, "unexpected"),
    })
    .await;
    let created = client(&server.base_url)
        .create_firewall(&barrack_api::wire::CreateFirewallRequest {
            name: "fw".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!created.adopted);
    assert_eq!(created.value.id, Id::new(5));
    assert_eq!(server.count("POST", "/v1/firewalls"), 2);
    assert_eq!(server.count("GET", "/v1/firewalls"), 1);
}

#[tokio::test]
async fn timeouts_are_reported_and_reads_retried() {
    let server = mock::start(|_, n| {
        if n == 0 {
            Reply::Hang(Duration::from_secs(3))
        } else {
            ok(json!({"scripts": [], "count": 0}))
        }
    })
    .await;
    let c = client_with(&server.base_url, |c| c.timeout = Duration::from_millis(200));
    assert!(c.list_scripts().await.unwrap().is_empty());
    assert_eq!(server.seen().len(), 2);

    let hang = mock::start(|_, _| Reply::Hang(Duration::from_secs(3))).await;
    let c = client_with(&hang.base_url, |c| {
        c.timeout = Duration::from_millis(100);
        c.retry = RetryPolicy::none();
    });
    let e = c.get_pricing().await.unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert!(e.outcome_unknown() && e.is_retryable());
}

#[tokio::test]
async fn power_action_with_unknown_outcome_reads_back() {
    let server = mock::start(|seen, _| match (seen.method.as_str(), seen.path()) {
        ("POST", "/v1/instances/4/start") => status(502, "bad gateway"),
        ("GET", "/v1/instances/4") => ok(json!({"instance": {"id": 4, "status": "STARTING"}})),
        _ => status(500, "unexpected"),
    })
    .await;
    let instance = client(&server.base_url)
        .start_instance(&Id::new(4))
        .await
        .unwrap();
    assert_eq!(instance.status, "STARTING");
    assert_eq!(server.count("POST", "/v1/instances/4/start"), 1);

    // Still SHUTOFF: the start did not happen, so it is sent again.
    let server = mock::start(|seen, n| match (seen.method.as_str(), seen.path()) {
        ("POST", "/v1/instances/4/start") if n == 0 => status(503, "unavailable"),
        ("POST", "/v1/instances/4/start") => {
            ok(json!({"instance": {"id": 4, "status": "STARTING"}}))
        }
        ("GET", "/v1/instances/4") => ok(json!({"instance": {"id": 4, "status": "SHUTOFF"}})),
        _ => status(500, "unexpected"),
    })
    .await;
    let instance = client(&server.base_url)
        .start_instance(&Id::new(4))
        .await
        .unwrap();
    assert_eq!(instance.status, "STARTING");
    assert_eq!(server.count("POST", "/v1/instances/4/start"), 2);
}

#[tokio::test]
async fn delete_that_404s_after_an_unknown_outcome_is_done() {
    let server = mock::start(|_, n| {
        if n == 0 {
            status(503, "unavailable")
        } else {
            status(404, "gone")
        }
    })
    .await;
    client(&server.base_url)
        .delete_volume(&Id::new(8))
        .await
        .unwrap();
    // A plain 404 is still an error.
    let server = mock::start(|_, _| status(404, "gone")).await;
    let e = client(&server.base_url)
        .delete_volume(&Id::new(8))
        .await
        .unwrap_err();
    assert!(e.is_not_found());
}

#[tokio::test]
async fn paginator_fetches_every_page_in_order() {
    const TOTAL: u64 = 450;
    let server = mock::start(|seen, _| {
        let page: u64 = seen.query("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let size: u64 = seen.query("page_size").and_then(|p| p.parse().ok()).unwrap_or(50);
        let start = (page - 1) * size;
        let items: Vec<_> = (start..(start + size).min(TOTAL))
            .map(|i| json!({"id": i, "name": format!("v{i}")}))
            .collect();
        ok(json!({"status": true, "count": TOTAL, "page": page, "page_size": size, "volumes": items}))
    })
    .await;
    let c = client(&server.base_url);
    let listing = c
        .list_all::<barrack_api::wire::Volume>(Op::ListVolumes, &[], &[])
        .await
        .unwrap();
    assert_eq!(listing.items.len(), TOTAL as usize);
    assert!(listing
        .items
        .iter()
        .enumerate()
        .all(|(i, v)| v.id == Id::new(i as u64)));
    assert_eq!(listing.pages, 3);
    assert_eq!(listing.requests, 3);
    assert_eq!(server.seen().len(), 3);
    assert!(server
        .seen()
        .iter()
        .all(|s| s.query("page_size").as_deref() == Some("200")));
}

#[tokio::test]
async fn bad_configuration_is_refused_without_the_key() {
    let e = Client::new(ClientConfig::new("ftp://example", KEY)).unwrap_err();
    assert!(matches!(e, Error::Config(_)));
    let e = Client::new(ClientConfig::new("http://127.0.0.1:1", "bad\nTOPSECRET")).unwrap_err();
    assert!(matches!(e, Error::Config(_)));
    assert_no_key(&e);
    let e = client("http://127.0.0.1:1/v1")
        .url(Op::DeleteFirewallRule, &["1"])
        .unwrap_err();
    assert!(matches!(e, Error::InvalidRequest { .. }));
    assert_eq!(
        client("http://127.0.0.1:1/v1/")
            .url(Op::DeleteFirewallRule, &["1", "2"])
            .unwrap(),
        "http://127.0.0.1:1/v1/firewalls/1/rules/2"
    );
}

#[tokio::test]
async fn connect_failures_are_not_sent_and_retried() {
    // Bind then drop a listener to get a port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = client(&format!("http://127.0.0.1:{port}/v1"))
        .create_script(&Default::default())
        .await
        .unwrap_err();
    match &e {
        Error::RetryBudgetExhausted { attempts, last, .. } => {
            assert_eq!(*attempts, 4);
            assert!(
                matches!(**last, Error::Transport { sent: false, .. }),
                "{last:?}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(!e.outcome_unknown());
    assert_no_key(&e);
}
