//! The in-cluster audit against a fake Kubernetes API server on loopback, which answers
//! recorded JSON (`tests/fixtures/kubernetes/`) and records every request: the `rampart`
//! binary, given a kubeconfig that points at it, reads the cluster with GETs only and
//! reports a violation and a compliant twin of every workload check.
//!
//! The workloads of the fixtures: in `shop`, the Deployment `web` (two replicas of one
//! compliant pod, through its ReplicaSet) and its twin `legacy` (every violation); in
//! `batch`, the CronJob `report` (compliant, through its Job) and the bare pod `toolbox`
//! (every violation); in `kube-system`, the DaemonSet `kube-proxy` (privileged, host network:
//! reported apart, as a system workload). The pods come in two pages.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::{fixture, rampart, run};
use serde_json::Value;

/// One request the fake server saw.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    authorization: Option<String>,
}

/// A fake API server: `GET <collection>` answers the fixture of the collection's last path
/// segment (`/api/v1/pods` → `pods.json`; with `continue=T`, `pods-T.json`), or 403 for the
/// collections in `forbidden`, or an object of the wrong shape for those in `garbled`, or 404.
struct FakeApi {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeApi {
    fn start(forbidden: &'static [&'static str]) -> FakeApi {
        FakeApi::serving(forbidden, &[])
    }

    fn serving(forbidden: &'static [&'static str], garbled: &'static [&'static str]) -> FakeApi {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let log = log.clone();
                std::thread::spawn(move || serve(stream, &log, forbidden, garbled));
            }
        });
        FakeApi { url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Answers the requests of one connection (keep-alive) until the client closes it.
fn serve(stream: std::net::TcpStream, log: &Mutex<Vec<Seen>>, forbidden: &[&str], garbled: &[&str]) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or_default().to_string(), parts.next().unwrap_or_default().to_string());
        let mut headers = BTreeMap::new();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                break;
            }
            if let Some((k, v)) = header.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let length: usize = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        log.lock().unwrap().push(Seen { method: method.clone(), target: target.clone(), authorization: headers.get("authorization").cloned() });
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let collection = path.rsplit('/').next().unwrap_or_default();
        let page = query.split('&').find_map(|kv| kv.strip_prefix("continue="));
        let name = match page {
            Some(token) => format!("{collection}-{token}.json"),
            None => format!("{collection}.json"),
        };
        let file = fixture("kubernetes").join(&name);
        let (status, body) = if method != "GET" {
            ("405 Method Not Allowed", r#"{"kind":"Status","code":405}"#.to_string())
        } else if garbled.contains(&collection) {
            ("200 OK", r#"{"items":[{"metadata":{"name":["not","a","name"]},"spec":{"hostNetwork":"sometimes"}}]}"#.to_string())
        } else if forbidden.contains(&collection) {
            ("403 Forbidden", std::fs::read_to_string(fixture("kubernetes/forbidden.json")).unwrap())
        } else if collection != "forbidden" && file.exists() {
            ("200 OK", std::fs::read_to_string(file).unwrap())
        } else {
            ("404 Not Found", r#"{"kind":"Status","message":"the server could not find the requested resource","code":404}"#.to_string())
        };
        let answer = format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len());
        if out.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

/// A kubeconfig whose current context points at `server`, authenticating with `user` (YAML).
fn kubeconfig(dir: &Path, server: &str, user: &str) -> PathBuf {
    let path = dir.join("kubeconfig");
    let text = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: fake\nclusters:\n- name: fake-cluster\n  cluster:\n    server: {server}\n\
         contexts:\n- name: fake\n  context: {{cluster: fake-cluster, user: auditor}}\nusers:\n- name: auditor\n  user:\n{user}\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

const TOKEN: &str = "fake-bearer-token-8c1f";

/// Runs `rampart audit --kubernetes --format json` against `api`: (exit code, report, stderr).
fn audit(api: &FakeApi, user: &str, extra: &[&str]) -> (i32, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let config = kubeconfig(dir.path(), &api.url, user);
    let settings = dir.path().join("rampart.toml");
    std::fs::write(&settings, "[containers]\ntrusted_registries = [\"123456789012.dkr.ecr.eu-west-1.amazonaws.com\"]\n").unwrap();
    let (code, out, err) = run(rampart()
        .env("KUBECONFIG", &config)
        .env_remove("KUBERNETES_SERVICE_HOST")
        .args(["audit", "--kubernetes", "--format", "json", "-o", "-", "--config"])
        .arg(&settings)
        .args(extra));
    assert!(!out.contains(TOKEN) && !err.contains(TOKEN), "the token is never written");
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not a JSON report ({e}): {out}\nstderr: {err}"));
    (code, report, err)
}

/// (check id, resource id) → (status, resource type, message).
fn findings(report: &Value) -> BTreeMap<(String, String), (String, String, String)> {
    let mut map = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let key = (f["check_id"].as_str().unwrap().to_string(), f["resource_id"].as_str().unwrap().to_string());
        let value = (
            f["status"].as_str().unwrap().to_string(),
            f["resource_type"].as_str().unwrap_or_default().to_string(),
            f["message"].as_str().unwrap().to_string(),
        );
        assert!(map.insert(key.clone(), value).is_none(), "{key:?} reported twice");
    }
    map
}

/// The workload checks, each judged on every workload.
const WORKLOAD_CHECKS: &[&str] = &[
    "core_minimize_privileged_containers",
    "core_minimize_root_containers_admission",
    "core_minimize_allow_privilege_escalation_containers",
    "core_readonly_root_filesystem_enabled",
    "core_minimize_containers_capabilities_assigned",
    "core_minimize_host_network_containers",
    "core_minimize_host_pid_containers",
    "core_minimize_host_ipc_containers",
    "core_minimize_hostpath_volume_mounts",
    "core_cpu_limits_set",
    "core_memory_limits_set",
    "core_image_digest_or_trusted_registry",
];

#[test]
fn the_cluster_audit_fails_each_violation_and_passes_its_compliant_twin() {
    let api = FakeApi::start(&[]);
    let (code, report, err) = audit(&api, &format!("    token: {TOKEN}"), &[]);
    assert_eq!(code, 3, "failures at or above informational: {err}");
    let found = findings(&report);
    let status = |check: &str, resource: &str| {
        found.get(&(check.to_string(), format!("fake-cluster/{resource}"))).unwrap_or_else(|| panic!("no finding of {check} on {resource}: {found:#?}")).0.as_str()
    };
    for check in WORKLOAD_CHECKS {
        assert_eq!(status(check, "shop/Deployment/web"), "PASS", "{check}");
        assert_eq!(status(check, "shop/Deployment/legacy"), "FAIL", "{check}");
        assert_eq!(status(check, "batch/CronJob/report"), "PASS", "{check}");
        assert_eq!(status(check, "batch/Pod/toolbox"), "FAIL", "{check}");
        // One finding per workload: the two replicas of web are judged once, as the
        // Deployment; no ReplicaSet, Job or replica pod is a resource.
        assert_eq!(found.keys().filter(|(c, _)| c == check).count(), 5, "{check}");
    }
    // The system namespace's workload is reported, apart.
    let (status_, kind, message) = &found[&("core_minimize_privileged_containers".to_string(), "fake-cluster/kube-system/DaemonSet/kube-proxy".to_string())];
    assert_eq!((status_.as_str(), kind.as_str()), ("FAIL", "KubernetesSystemWorkload"));
    assert_eq!(message, "system namespace kube-system: container kube-proxy is privileged");
    assert_eq!(found[&("core_cpu_limits_set".to_string(), "fake-cluster/shop/Deployment/web".to_string())].1, "KubernetesWorkload");
    let legacy = &found[&("core_minimize_root_containers_admission".to_string(), "fake-cluster/shop/Deployment/legacy".to_string())].2;
    assert!(legacy.contains("container app runs as root (runAsUser: 0)"), "{legacy}");

    // Namespaces: a default deny in shop only; PSA enforced in shop only.
    assert_eq!(status("core_namespace_default_deny_network_policy", "shop"), "PASS");
    assert_eq!(status("core_namespace_default_deny_network_policy", "batch"), "FAIL");
    assert_eq!(status("core_namespace_default_deny_network_policy", "kube-system"), "FAIL");
    assert_eq!(status("core_namespace_pod_security_admission_labels", "shop"), "PASS");
    assert_eq!(status("core_namespace_pod_security_admission_labels", "batch"), "FAIL");
    // RBAC: cluster-admin to system:masters passes, to a user fails; other roles are not judged.
    assert_eq!(status("rbac_cluster_admin_usage", "ClusterRoleBinding/cluster-admin"), "PASS");
    assert_eq!(status("rbac_cluster_admin_usage", "ClusterRoleBinding/ops-alice"), "FAIL");
    assert_eq!(found.keys().filter(|(c, _)| c == "rbac_cluster_admin_usage").count(), 2);

    // Only the Kubernetes checks ran, on the cluster as the account; nothing is ERROR.
    assert!(found.keys().all(|(c, _)| c.starts_with("core_") || c.starts_with("rbac_")), "{found:#?}");
    assert!(found.values().all(|(s, _, _)| s != "ERROR"), "{found:#?}");
    assert!(report["findings"].as_array().unwrap().iter().all(|f| f["account_id"] == "fake-cluster"));

    // Read-only: GETs of the seven collections (the pods in two pages), with the token.
    let seen = api.seen();
    assert!(seen.iter().all(|s| s.method == "GET"), "{seen:#?}");
    assert!(seen.iter().all(|s| s.authorization.as_deref() == Some(&format!("Bearer {TOKEN}")[..])), "{seen:#?}");
    let mut paths: Vec<&str> = seen.iter().map(|s| s.target.as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/api/v1/namespaces?limit=500",
            "/api/v1/pods?limit=500",
            "/api/v1/pods?limit=500&continue=page-2-token",
            "/apis/apps/v1/replicasets?limit=500",
            "/apis/batch/v1/jobs?limit=500",
            "/apis/networking.k8s.io/v1/networkpolicies?limit=500",
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?limit=500",
            "/apis/rbac.authorization.k8s.io/v1/rolebindings?limit=500",
        ]
    );
}

#[test]
fn a_forbidden_listing_is_error_with_the_reason_and_the_rest_is_judged() {
    // The token from an exec credential plugin this time, as `aws eks get-token` gives one.
    let api = FakeApi::start(&["networkpolicies"]);
    let user = format!(
        "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: sh\n      args: [\"-c\", \"printf '{{\\\"status\\\":{{\\\"token\\\":\\\"%s\\\"}}}}' \\\"$AUDIT_TOKEN\\\"\"]\n      env: [{{name: AUDIT_TOKEN, value: {TOKEN}}}]"
    );
    let (code, report, err) = audit(&api, &user, &["--checks", "core_namespace_default_deny_network_policy,core_cpu_limits_set"]);
    assert_eq!(code, 3, "{err}");
    let found = findings(&report);
    let netpol: Vec<_> = found.iter().filter(|((c, _), _)| c == "core_namespace_default_deny_network_policy").collect();
    assert_eq!(netpol.len(), 3, "one per namespace with pods: {netpol:#?}");
    for (_, (status, _, message)) in &netpol {
        assert_eq!(status, "ERROR");
        assert!(message.contains("the network policies could not be listed: list networkpolicies: forbidden (HTTP 403)"), "{message}");
        assert!(message.contains("cannot list resource \\\"networkpolicies\\\"") || message.contains("cannot list resource \"networkpolicies\""), "{message}");
    }
    assert_eq!(found[&("core_cpu_limits_set".to_string(), "fake-cluster/shop/Deployment/legacy".to_string())].0, "FAIL");
    let seen = api.seen();
    assert!(seen.iter().all(|s| s.method == "GET" && s.authorization.as_deref() == Some(&format!("Bearer {TOKEN}")[..])), "{seen:#?}");
    // Only what the two checks read: pods (two pages), replica sets, jobs, network policies.
    assert_eq!(seen.len(), 5, "{seen:#?}");
}

#[test]
fn an_answer_of_the_wrong_shape_is_error_not_a_crash() {
    let api = FakeApi::serving(&[], &["namespaces", "pods"]);
    let (code, report, err) =
        audit(&api, &format!("    token: {TOKEN}"), &["--checks", "core_namespace_pod_security_admission_labels,core_minimize_privileged_containers"]);
    assert_eq!(code, 4, "{err}");
    let found = findings(&report);
    assert_eq!(found.len(), 2, "{found:#?}");
    for (status, _, message) in found.values() {
        assert_eq!(status, "ERROR");
        assert!(message.contains("the answer is not a readable list"), "{message}");
    }
}

#[test]
fn a_cluster_that_cannot_be_reached_is_error_not_pass() {
    // A server that refuses every connection: the port of a listener already closed.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let api = FakeApi { url: format!("http://127.0.0.1:{port}"), seen: Arc::default() };
    let (code, report, err) = audit(&api, &format!("    token: {TOKEN}"), &["--checks", "rbac_cluster_admin_usage,core_memory_limits_set"]);
    assert_eq!(code, 4, "incomplete: {err}");
    let found = findings(&report);
    assert!(!found.is_empty());
    for ((_, resource), (status, _, message)) in &found {
        assert_eq!((status.as_str(), resource.as_str()), ("ERROR", "fake-cluster"));
        assert!(message.contains("could not be reached"), "{message}");
    }
}

#[test]
fn kubernetes_and_aws_audits_keep_to_their_own_checks() {
    // An audit of AWS never selects a cluster's checks, nor a cluster's audit an AWS one.
    let (code, _, err) = run(rampart().args(["audit", "--checks", "core_cpu_limits_set"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("audit a cluster with --kubernetes"), "{err}");
    let (code, _, err) = run(rampart().args(["audit", "--kubernetes", "--checks", "iam_root_mfa_enabled"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("matches no Kubernetes check"), "{err}");
    // Options that need an AWS account, or another source, are refused.
    let (code, _, err) = run(rampart().args(["audit", "--kubernetes", "--security-hub"]));
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = run(rampart().args(["audit", "--kube-context", "x"]));
    assert_eq!(code, 2, "--kube-context needs --kubernetes");
    // No kubeconfig and not in a cluster: said plainly.
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(rampart()
        .env("KUBECONFIG", dir.path().join("none"))
        .env_remove("KUBERNETES_SERVICE_HOST")
        .args(["audit", "--kubernetes"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no kubeconfig found"), "{err}");
}
