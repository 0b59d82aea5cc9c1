//! The deployment files keep the practices they promise: every workload in deploy/k8s runs
//! non-root, seccomp-confined, without capabilities, on a read-only root filesystem, with
//! bounded resources, without the Kubernetes API token and under the IRSA service account;
//! the Indexed Job's shards agree with its completions; the Dockerfile's last stage is a
//! minimal base run by a numeric non-root user through an exec-form ENTRYPOINT.
//!
//! The manifests are discovered (every .yaml/.yml under deploy/k8s, every document in each),
//! so a new one is checked without changing this file. No cluster, no Docker: the files are
//! read as data. scripts/lint-deploy.sh runs the linters (hadolint, checkov) beside this.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_norway::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// One YAML document of a manifest file.
struct Doc {
    /// `file#index` for messages.
    at: String,
    value: Value,
}

impl Doc {
    fn kind(&self) -> &str {
        self.value["kind"].as_str().unwrap_or("")
    }
    fn name(&self) -> &str {
        let meta = &self.value["metadata"];
        meta["name"].as_str().or_else(|| meta["generateName"].as_str()).unwrap_or("")
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            out.push(path);
        }
    }
}

fn parse_docs(at: &str, text: &str) -> Vec<Doc> {
    serde_norway::Deserializer::from_str(text)
        .enumerate()
        .map(|(i, de)| {
            let value = Value::deserialize(de).unwrap_or_else(|e| panic!("{at}#{i}: not YAML: {e}"));
            Doc { at: format!("{at}#{i}"), value }
        })
        .filter(|doc| !doc.value.is_null())
        .collect()
}

/// Every document of every manifest in deploy/k8s.
fn manifests() -> Vec<Doc> {
    let mut files = Vec::new();
    yaml_files(&Path::new(ROOT).join("deploy/k8s"), &mut files);
    files.sort();
    assert!(!files.is_empty(), "no manifest in deploy/k8s");
    files
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let at = path.strip_prefix(ROOT).unwrap().display().to_string();
            parse_docs(&at, &text)
        })
        .collect()
}

/// The pod spec of a workload, and the spec holding its Job settings (the Job's spec, or the
/// CronJob's jobTemplate.spec); None for a kind without a pod template.
fn pod_spec(doc: &Doc) -> Option<(&Value, Option<&Value>)> {
    let v = &doc.value;
    match doc.kind() {
        "Pod" => Some((&v["spec"], None)),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController" => {
            Some((&v["spec"]["template"]["spec"], None))
        }
        "Job" => Some((&v["spec"]["template"]["spec"], Some(&v["spec"]))),
        "CronJob" => Some((
            &v["spec"]["jobTemplate"]["spec"]["template"]["spec"],
            Some(&v["spec"]["jobTemplate"]["spec"]),
        )),
        _ => None,
    }
}

/// True when `v` holds a `containers` key at any depth: a workload whatever its kind.
fn has_containers(v: &Value) -> bool {
    match v {
        Value::Mapping(m) => m.iter().any(|(k, v)| k.as_str() == Some("containers") || has_containers(v)),
        Value::Sequence(s) => s.iter().any(has_containers),
        Value::Tagged(t) => has_containers(&t.value),
        _ => false,
    }
}

/// The service accounts usable by the pods: name → has the IRSA role annotation.
fn irsa_service_accounts(docs: &[Doc]) -> Vec<(String, String)> {
    docs.iter()
        .filter(|d| d.kind() == "ServiceAccount")
        .filter(|d| {
            d.value["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
                .as_str()
                .is_some_and(|arn| arn.starts_with("arn:aws:iam::") && arn.contains(":role/"))
        })
        .map(|d| (d.value["metadata"]["namespace"].as_str().unwrap_or("").to_string(), d.name().to_string()))
        .collect()
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => serde_norway::to_string(other).unwrap_or_default().trim().to_string(),
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_sequence().map(|seq| seq.iter().map(s).collect()).unwrap_or_default()
}

/// `$(NAME)` references in an argument (`$$(NAME)` is an escaped literal).
fn var_refs(arg: &str) -> Vec<String> {
    let mut refs = Vec::new();
    let mut rest = arg;
    while let Some(i) = rest.find("$(") {
        if rest[..i].ends_with('$') {
            rest = &rest[i + 2..];
            continue;
        }
        let tail = &rest[i + 2..];
        match tail.find(')') {
            Some(j) => {
                refs.push(tail[..j].to_string());
                rest = &tail[j + 1..];
            }
            None => break,
        }
    }
    refs
}

/// What a workload breaks of the practices: empty when it keeps them all.
fn workload_violations(doc: &Doc, service_accounts: &[(String, String)]) -> Vec<String> {
    let mut bad = Vec::new();
    let at = &doc.at;
    let Some((pod, job)) = pod_spec(doc) else {
        return vec![format!("{at}: kind {} has containers but no known pod template", doc.kind())];
    };
    let mut want = |ok: bool, what: &str| {
        if !ok {
            bad.push(format!("{at} ({} {}): {what}", doc.kind(), doc.name()));
        }
    };

    // The pod.
    let psc = &pod["securityContext"];
    want(psc["runAsUser"].as_i64() == Some(1000), "pod securityContext.runAsUser is not 1000");
    want(psc["runAsGroup"].as_i64() == Some(3000), "pod securityContext.runAsGroup is not 3000");
    want(psc["fsGroup"].as_i64() == Some(2000), "pod securityContext.fsGroup is not 2000");
    want(psc["runAsNonRoot"].as_bool() == Some(true), "pod securityContext.runAsNonRoot is not true");
    want(
        psc["seccompProfile"]["type"].as_str() == Some("RuntimeDefault"),
        "pod securityContext.seccompProfile.type is not RuntimeDefault",
    );
    want(pod["automountServiceAccountToken"].as_bool() == Some(false), "automountServiceAccountToken is not false");
    for host in ["hostNetwork", "hostPID", "hostIPC"] {
        want(pod[host].as_bool() != Some(true), &format!("{host} is true"));
    }
    let volumes = pod["volumes"].as_sequence().cloned().unwrap_or_default();
    for vol in &volumes {
        want(vol.get("hostPath").is_none(), &format!("volume {} is a hostPath", s(&vol["name"])));
    }
    let tmp_volumes: BTreeSet<String> =
        volumes.iter().filter(|v| v.get("emptyDir").is_some()).map(|v| s(&v["name"])).collect();
    let namespace = doc.value["metadata"]["namespace"].as_str().unwrap_or("");
    let sa = pod["serviceAccountName"].as_str().unwrap_or("");
    want(
        service_accounts.iter().any(|(ns, name)| ns == namespace && name == sa),
        &format!("serviceAccountName {sa:?} is not a ServiceAccount of namespace {namespace:?} in deploy/k8s with the eks.amazonaws.com/role-arn annotation"),
    );
    if let Some(job) = job {
        want(
            matches!(pod["restartPolicy"].as_str(), Some("Never" | "OnFailure")),
            "restartPolicy is neither Never nor OnFailure",
        );
        for field in ["backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished"] {
            want(job[field].as_i64().is_some_and(|n| n >= 0), &format!("no {field}"));
        }
    }
    if doc.kind() == "CronJob" {
        want(doc.value["spec"]["concurrencyPolicy"].as_str() == Some("Forbid"), "concurrencyPolicy is not Forbid");
    }

    // Its containers.
    let containers: Vec<&Value> = ["initContainers", "containers"]
        .iter()
        .flat_map(|key| pod[*key].as_sequence().into_iter().flatten())
        .collect();
    want(!pod["containers"].as_sequence().is_none_or(|c| c.is_empty()), "no container");
    for c in containers {
        let name = s(&c["name"]);
        let mut want_c = |ok: bool, what: &str| want(ok, &format!("container {name}: {what}"));
        let sc = &c["securityContext"];
        want_c(sc["readOnlyRootFilesystem"].as_bool() == Some(true), "readOnlyRootFilesystem is not true");
        want_c(sc["allowPrivilegeEscalation"].as_bool() == Some(false), "allowPrivilegeEscalation is not false");
        want_c(sc["privileged"].as_bool() == Some(false), "privileged is not false");
        want_c(strings(&sc["capabilities"]["drop"]).iter().any(|d| d == "ALL"), "capabilities.drop lacks ALL");
        want_c(strings(&sc["capabilities"]["add"]).is_empty(), "capabilities.add is not empty");
        for bound in ["requests", "limits"] {
            for resource in ["cpu", "memory"] {
                let value = &c["resources"][bound][resource];
                want_c(!value.is_null() && !s(value).is_empty(), &format!("no resources.{bound}.{resource}"));
            }
        }
        let image = c["image"].as_str().unwrap_or("");
        let tag = image.rsplit('/').next().unwrap_or("").split_once(':').map(|(_, t)| t);
        want_c(
            image.contains("@sha256:") || tag.is_some_and(|t| t != "latest" && !t.is_empty()),
            &format!("image {image:?} has neither a fixed tag nor a digest"),
        );
        let mounts = c["volumeMounts"].as_sequence().cloned().unwrap_or_default();
        want_c(
            mounts.iter().any(|m| m["mountPath"].as_str() == Some("/tmp") && tmp_volumes.contains(&s(&m["name"]))),
            "no emptyDir mounted at /tmp",
        );
        // Kubernetes expands $(NAME) in args from the container's own env only; an unknown
        // name stays as it is, and the audit would write to a literal "$(NAME)" prefix.
        let env: BTreeSet<String> = c["env"].as_sequence().into_iter().flatten().map(|e| s(&e["name"])).collect();
        for arg in strings(&c["command"]).iter().chain(&strings(&c["args"])) {
            for var in var_refs(arg) {
                want_c(env.contains(&var), &format!("argument {arg:?} uses $({var}), which its env does not define"));
            }
        }
    }
    bad
}

/// The value following `flag` in a container's args.
fn flag_value<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).map(String::as_str)
}

fn main_container_args(pod: &Value) -> Vec<String> {
    strings(&pod["containers"][0]["args"])
}

/// What an Indexed Job breaks of the sharding contract: `--org --shard $(JOB_COMPLETION_INDEX)/N`
/// with N = completions, and an output prefix that contains the index.
fn indexed_job_violations(doc: &Doc) -> Vec<String> {
    let mut bad = Vec::new();
    let at = &doc.at;
    let spec = &doc.value["spec"];
    let completions = spec["completions"].as_i64();
    let pod = &spec["template"]["spec"];
    let args = main_container_args(pod);
    if completions.is_none_or(|n| n < 1) {
        bad.push(format!("{at}: an Indexed Job without completions"));
    }
    if spec["parallelism"].as_i64().is_none_or(|n| n < 1) {
        bad.push(format!("{at}: no parallelism"));
    }
    if !args.iter().any(|a| a == "--org") {
        bad.push(format!("{at}: shards an audit without --org"));
    }
    match flag_value(&args, "--shard").and_then(|v| v.split_once('/')) {
        Some((index, count)) => {
            if index != "$(JOB_COMPLETION_INDEX)" {
                bad.push(format!("{at}: --shard's INDEX is {index:?}, not $(JOB_COMPLETION_INDEX)"));
            }
            if count.parse::<i64>().ok() != completions {
                bad.push(format!("{at}: --shard's COUNT {count:?} differs from completions {completions:?}"));
            }
        }
        None => bad.push(format!("{at}: no --shard INDEX/COUNT argument")),
    }
    match flag_value(&args, "--output-dir") {
        Some(dir) if dir.starts_with("s3://") && dir.contains("$(JOB_COMPLETION_INDEX)") && dir.ends_with('/') => {}
        other => bad.push(format!("{at}: --output-dir {other:?} is not an s3://…/ prefix containing $(JOB_COMPLETION_INDEX)")),
    }
    let env = pod["containers"][0]["env"].as_sequence().cloned().unwrap_or_default();
    let job_name = env.iter().find(|e| e["name"].as_str() == Some("JOB_NAME"));
    if job_name.and_then(|e| e["valueFrom"]["fieldRef"]["fieldPath"].as_str())
        != Some("metadata.labels['batch.kubernetes.io/job-name']")
    {
        bad.push(format!("{at}: JOB_NAME does not come from the batch.kubernetes.io/job-name label"));
    }
    bad
}

#[test]
fn every_workload_keeps_the_pod_and_container_practices() {
    let docs = manifests();
    let service_accounts = irsa_service_accounts(&docs);
    assert!(!service_accounts.is_empty(), "no ServiceAccount with the eks.amazonaws.com/role-arn annotation");
    let workloads: Vec<&Doc> = docs.iter().filter(|d| pod_spec(d).is_some() || has_containers(&d.value)).collect();
    let kinds: BTreeSet<&str> = workloads.iter().map(|d| d.kind()).collect();
    assert!(kinds.contains("CronJob") && kinds.contains("Job"), "workloads found: {kinds:?}");
    let bad: Vec<String> = workloads.iter().flat_map(|d| workload_violations(d, &service_accounts)).collect();
    assert!(bad.is_empty(), "{} violation(s):\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn the_namespace_enforces_the_restricted_pod_security_standard_and_holds_everything() {
    let docs = manifests();
    let namespaces: Vec<&Doc> = docs.iter().filter(|d| d.kind() == "Namespace").collect();
    assert_eq!(namespaces.len(), 1, "one Namespace in deploy/k8s");
    let ns = namespaces[0];
    assert_eq!(
        ns.value["metadata"]["labels"]["pod-security.kubernetes.io/enforce"].as_str(),
        Some("restricted"),
        "{}",
        ns.at
    );
    // Cluster-wide kinds have no namespace (the in-cluster audit's read-only ClusterRole).
    for doc in docs.iter().filter(|d| !matches!(d.kind(), "Namespace" | "Kustomization" | "ClusterRole" | "ClusterRoleBinding")) {
        assert_eq!(doc.value["metadata"]["namespace"].as_str(), Some(ns.name()), "{}: namespace", doc.at);
    }
}

#[test]
fn the_indexed_job_shards_by_its_completion_index_and_the_merge_reads_every_shard() {
    let docs = manifests();
    let indexed: Vec<&Doc> = docs
        .iter()
        .filter(|d| d.kind() == "Job" && d.value["spec"]["completionMode"].as_str() == Some("Indexed"))
        .collect();
    assert!(!indexed.is_empty(), "no Indexed Job in deploy/k8s");
    let bad: Vec<String> = indexed.iter().flat_map(|d| indexed_job_violations(d)).collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));

    // The merge Job: one input per shard of the Indexed Job, shard-0/ to shard-(N-1)/.
    let completions = indexed[0].value["spec"]["completions"].as_i64().unwrap();
    let merges: Vec<&Doc> = docs
        .iter()
        .filter(|d| d.kind() == "Job")
        .filter(|d| main_container_args(&d.value["spec"]["template"]["spec"]).first().map(String::as_str) == Some("merge"))
        .collect();
    for merge in merges {
        let args = main_container_args(&merge.value["spec"]["template"]["spec"]);
        let inputs: Vec<&String> = args[1..].iter().take_while(|a| !a.starts_with("--")).collect();
        let expected: Vec<String> = (0..completions).map(|i| format!("/shard-{i}/")).collect();
        assert_eq!(inputs.len() as i64, completions, "{}: merge inputs {inputs:?}", merge.at);
        for (input, suffix) in inputs.iter().zip(&expected) {
            assert!(input.starts_with("s3://") && input.ends_with(suffix.as_str()), "{}: input {input}", merge.at);
        }
    }
}

// --- the Dockerfile ----------------------------------------------------------------------------

/// The Dockerfile's instructions: continuation lines joined, comments and blank lines left out.
fn dockerfile_instructions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        // Comment lines are dropped even inside a continuation, as Docker drops them.
        if trimmed.starts_with('#') || (current.is_empty() && trimmed.is_empty()) {
            continue;
        }
        if let Some(head) = trimmed.strip_suffix('\\') {
            current.push_str(head);
            current.push(' ');
            continue;
        }
        current.push_str(trimmed);
        let (keyword, rest) = current.split_once(char::is_whitespace).unwrap_or((&current, ""));
        out.push((keyword.to_ascii_uppercase(), rest.trim().to_string()));
        current.clear();
    }
    out
}

/// What the Dockerfile's last stage breaks: a minimal base, a numeric non-root USER, an
/// exec-form ENTRYPOINT.
fn dockerfile_violations(text: &str) -> Vec<String> {
    let mut bad = Vec::new();
    let instructions = dockerfile_instructions(text);
    let Some(last_from) = instructions.iter().rposition(|(k, _)| k == "FROM") else {
        return vec!["no FROM".into()];
    };
    let stage = &instructions[last_from..];
    let image = stage[0].1.split_whitespace().find(|w| !w.starts_with("--")).unwrap_or("").to_string();
    let repo = image.split(['@', ':']).next().unwrap_or("");
    let minimal = repo.starts_with("gcr.io/distroless/")
        || matches!(repo, "alpine" | "library/alpine" | "docker.io/library/alpine");
    if !minimal {
        bad.push(format!("the last stage is FROM {image}, neither distroless nor alpine"));
    }
    if !image.contains(':') && !image.contains('@') {
        bad.push(format!("the last stage's base {image} has no tag"));
    }
    match stage.iter().rev().find(|(k, _)| k == "USER") {
        None => bad.push("the last stage has no USER: it runs as root".into()),
        Some((_, user)) => {
            let (uid, gid) = user.split_once(':').map_or((user.as_str(), None), |(u, g)| (u, Some(g)));
            let numeric = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
            if !numeric(uid) || gid.is_some_and(|g| !numeric(g)) {
                bad.push(format!("USER {user} is not numeric"));
            } else if uid.parse::<u64>() == Ok(0) {
                bad.push(format!("USER {user} is root"));
            }
        }
    }
    match stage.iter().rev().find(|(k, _)| k == "ENTRYPOINT") {
        None => bad.push("the last stage has no ENTRYPOINT".into()),
        Some((_, entrypoint)) => match serde_json::from_str::<Vec<String>>(entrypoint) {
            Ok(argv) if argv.first().is_some_and(|p| p.starts_with('/')) => {
                let copied = stage.iter().any(|(k, rest)| k == "COPY" && rest.ends_with(&format!(" {}", argv[0])));
                if !copied {
                    bad.push(format!("the ENTRYPOINT {} is not what the last stage COPYs", argv[0]));
                }
            }
            _ => bad.push(format!("ENTRYPOINT {entrypoint} is not in exec form with an absolute path")),
        },
    }
    bad
}

#[test]
fn the_dockerfile_runs_a_numeric_non_root_user_on_a_minimal_base() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("Dockerfile")).unwrap();
    let bad = dockerfile_violations(&text);
    assert!(bad.is_empty(), "Dockerfile:\n{}", bad.join("\n"));

    // The builder is the official Rust image at the workspace's rust-version or later.
    let instructions = dockerfile_instructions(&text);
    let builder = &instructions.iter().find(|(k, _)| k == "FROM").unwrap().1;
    let tag = builder.strip_prefix("rust:").unwrap_or_else(|| panic!("the first stage is FROM {builder}, not rust:"));
    let version: Vec<u32> = tag.split('-').next().unwrap().split('.').map(|p| p.parse().unwrap()).collect();
    assert!(version.as_slice() >= [1, 94].as_slice(), "rust:{tag} is older than the workspace's rust-version");
    let ignore = std::fs::read_to_string(Path::new(ROOT).join(".dockerignore")).unwrap();
    assert!(ignore.lines().any(|l| l.trim() == "*"), ".dockerignore does not start from nothing");
}

// --- the checks check -------------------------------------------------------------------------

/// A broken manifest and a broken Dockerfile are caught, each break by name: the tests above
/// cannot pass by looking at nothing.
#[test]
fn breaks_are_caught() {
    let good = std::fs::read_to_string(Path::new(ROOT).join("deploy/k8s/job-sharded.yaml")).unwrap();
    let broken = good
        .replace("runAsNonRoot: true", "runAsNonRoot: false")
        .replace("memory: 1Gi", "")
        .replace("automountServiceAccountToken: false", "automountServiceAccountToken: true")
        .replace("completions: 4", "completions: 5")
        .replace("shard-$(JOB_COMPLETION_INDEX)/", "shard/")
        .replace("- name: REPORT_BUCKET", "- name: BUCKET")
        .replace("emptyDir:", "hostPath:\n            path: /tmp\n          x:");
    let docs = parse_docs("broken.yaml", &broken);
    let sa = vec![("rampart".to_string(), "rampart".to_string())];
    let found = workload_violations(&docs[0], &sa).join("\n") + "\n" + &indexed_job_violations(&docs[0]).join("\n");
    for expected in [
        "runAsNonRoot is not true",
        "no resources.limits.memory",
        "automountServiceAccountToken is not false",
        "COUNT \"4\" differs from completions Some(5)",
        "is not an s3://…/ prefix containing $(JOB_COMPLETION_INDEX)",
        "uses $(REPORT_BUCKET), which its env does not define",
        "is a hostPath",
    ] {
        assert!(found.contains(expected), "not caught: {expected}\nfound:\n{found}");
    }
    let good_docs = parse_docs("good.yaml", &good);
    assert_eq!(workload_violations(&good_docs[0], &[]).len(), 1, "a service account without IRSA is caught");

    let dockerfile = std::fs::read_to_string(Path::new(ROOT).join("Dockerfile")).unwrap();
    let broken = dockerfile
        .replace("FROM gcr.io/distroless/cc-debian12:nonroot", "FROM debian:bookworm-slim")
        .replace("USER 1000:3000", "USER rampart")
        .replace(r#"ENTRYPOINT ["/usr/local/bin/rampart"]"#, "ENTRYPOINT /usr/local/bin/rampart");
    let found = dockerfile_violations(&broken).join("\n");
    for expected in ["neither distroless nor alpine", "USER rampart is not numeric", "not in exec form"] {
        assert!(found.contains(expected), "not caught: {expected}\nfound:\n{found}");
    }
    assert!(dockerfile_violations(&dockerfile.replace("USER 1000:3000", "USER 0:0")).join("\n").contains("is root"));
}

#[test]
fn the_cluster_audit_reads_its_own_cluster_with_a_projected_token_and_a_read_only_role() {
    let docs = manifests();
    // Every workload that runs `--kubernetes` projects a short-lived token at the service
    // account path, into its own container only, read-only.
    let cluster_audits: Vec<&Doc> = docs
        .iter()
        .filter(|d| pod_spec(d).is_some_and(|(pod, _)| main_container_args(pod).iter().any(|a| a == "--kubernetes")))
        .collect();
    assert!(!cluster_audits.is_empty(), "no workload audits its cluster");
    let mut accounts = BTreeSet::new();
    for doc in &cluster_audits {
        let (pod, _) = pod_spec(doc).unwrap();
        assert_eq!(pod["automountServiceAccountToken"].as_bool(), Some(false), "{}: automatic token", doc.at);
        let mount = pod["containers"][0]["volumeMounts"]
            .as_sequence()
            .into_iter()
            .flatten()
            .find(|m| m["mountPath"].as_str() == Some("/var/run/secrets/kubernetes.io/serviceaccount"))
            .unwrap_or_else(|| panic!("{}: no token at the service account path", doc.at));
        assert_eq!(mount["readOnly"].as_bool(), Some(true), "{}", doc.at);
        let volume = pod["volumes"]
            .as_sequence()
            .into_iter()
            .flatten()
            .find(|v| v["name"] == mount["name"])
            .unwrap_or_else(|| panic!("{}: no volume {:?}", doc.at, mount["name"]));
        let token = volume["projected"]["sources"]
            .as_sequence()
            .into_iter()
            .flatten()
            .find_map(|s| s.get("serviceAccountToken"))
            .unwrap_or_else(|| panic!("{}: the volume projects no token", doc.at));
        let lifetime = token["expirationSeconds"].as_u64().unwrap_or(u64::MAX);
        assert!(lifetime <= 3600, "{}: a token of {lifetime} s", doc.at);
        accounts.insert(s(&pod["serviceAccountName"]));
    }
    // The service account is bound to a ClusterRole that only gets and lists.
    for binding in docs.iter().filter(|d| d.kind() == "ClusterRoleBinding") {
        let role = binding.value["roleRef"]["name"].as_str().unwrap_or("");
        let role_doc = docs.iter().find(|d| d.kind() == "ClusterRole" && d.name() == role).unwrap_or_else(|| panic!("{}: no ClusterRole {role}", binding.at));
        for rule in role_doc.value["rules"].as_sequence().into_iter().flatten() {
            let verbs = strings(&rule["verbs"]);
            assert!(verbs.iter().all(|v| v == "get" || v == "list"), "{}: verbs {verbs:?}", role_doc.at);
            assert!(!strings(&rule["resources"]).iter().any(|r| r == "secrets" || r == "*"), "{}: {rule:?}", role_doc.at);
        }
        for subject in binding.value["subjects"].as_sequence().into_iter().flatten() {
            if subject["kind"].as_str() == Some("ServiceAccount") {
                accounts.remove(&s(&subject["name"]));
            }
        }
    }
    assert!(accounts.is_empty(), "service accounts of cluster audits bound to no read-only ClusterRole: {accounts:?}");
}
