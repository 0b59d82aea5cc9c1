//! Where the cluster is and how to prove who we are: a kubeconfig context (`KUBECONFIG`, or
//! `~/.kube/config`; `--kube-context`), or the pod's service account when the audit runs in
//! the cluster (`KUBERNETES_SERVICE_HOST` and `/var/run/secrets/kubernetes.io/serviceaccount`).
//!
//! A kubeconfig's credentials may be a bearer token (`token`, `tokenFile`), a client
//! certificate (`client-certificate[-data]`, `client-key[-data]`) or an `exec` credential
//! plugin, which is run as kubectl runs it (`aws eks get-token`, `gke-gcloud-auth-plugin`,
//! `kubelogin`). Nothing here prints a credential: [`Secret`] hides itself from `Debug`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::RunError;

/// A credential: shown as `<redacted>` by `Debug`, never written anywhere.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub(crate) Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Secret {
    pub fn text(s: impl Into<String>) -> Self {
        Secret(s.into().into_bytes())
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

/// The cluster to read and how to authenticate to it.
#[derive(Debug, Clone)]
pub struct Target {
    /// The kubeconfig's cluster name, the EKS cluster's name, or `in-cluster`.
    pub name: String,
    /// The API server's URL (`https://…`; `http://` only to a loopback address).
    pub server: String,
    /// The certificate authorities to trust, PEM; the system's roots when `None`.
    pub ca_pem: Option<Vec<u8>>,
    /// The name the server's certificate is checked against, when not the URL's host.
    pub tls_server_name: Option<String>,
    pub auth: Auth,
    /// The EKS cluster's ARN, when reached through EKS.
    pub arn: Option<String>,
}

/// How requests prove who sends them.
#[derive(Debug, Clone)]
pub enum Auth {
    None,
    /// `Authorization: Bearer …`.
    Bearer(Secret),
    /// A bearer token read from this file before the reads (a projected service-account
    /// token, which the kubelet rotates).
    TokenFile(PathBuf),
    /// A client certificate and its key, PEM.
    ClientCertificate { cert_pem: Vec<u8>, key_pem: Secret },
    /// An `exec` credential plugin, run once before the reads.
    Exec(ExecConfig),
}

/// A kubeconfig user's `exec` section.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExecConfig {
    pub command: String,
    pub args: Vec<String>,
    pub env: Option<Vec<EnvVar>>,
    pub api_version: String,
}

#[derive(Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

impl std::fmt::Debug for EnvVar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The value may be a secret: only the name is shown.
        write!(f, "{}=<value>", self.name)
    }
}

/// The service account's files in a pod.
pub const SERVICE_ACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

// The kubeconfig's shape: only what is read.

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct KubeConfig {
    current_context: Option<String>,
    clusters: Vec<Named<ClusterEntry>>,
    users: Vec<NamedUser>,
    contexts: Vec<Named<ContextEntry>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Named<T: Default> {
    name: String,
    #[serde(alias = "cluster", alias = "context")]
    value: T,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NamedUser {
    name: String,
    user: UserEntry,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct ClusterEntry {
    server: String,
    certificate_authority: Option<PathBuf>,
    certificate_authority_data: Option<String>,
    insecure_skip_tls_verify: bool,
    tls_server_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ContextEntry {
    cluster: String,
    user: String,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct UserEntry {
    token: Option<String>,
    #[serde(rename = "tokenFile")]
    token_file: Option<PathBuf>,
    client_certificate: Option<PathBuf>,
    client_certificate_data: Option<String>,
    client_key: Option<PathBuf>,
    client_key_data: Option<String>,
    exec: Option<ExecConfig>,
    username: Option<String>,
    #[serde(rename = "auth-provider")]
    auth_provider: Option<serde_norway::Value>,
}

impl std::fmt::Debug for UserEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserEntry { <credentials> }")
    }
}

/// The kubeconfig files to read: `KUBECONFIG` (a `:`-separated list; the first file that
/// names a cluster, user or context wins, as kubectl merges them), else `~/.kube/config`.
pub fn kubeconfig_paths(kubeconfig_env: Option<&str>, home: Option<&Path>) -> Vec<PathBuf> {
    match kubeconfig_env.filter(|v| !v.trim().is_empty()) {
        Some(list) => std::env::split_paths(list).filter(|p| !p.as_os_str().is_empty()).collect(),
        None => home.map(|h| vec![h.join(".kube").join("config")]).unwrap_or_default(),
    }
}

fn config_error(path: &Path, message: impl Into<String>) -> RunError {
    RunError::Config { path: path.to_path_buf(), message: message.into() }
}

/// The target of a kubeconfig's context (`context`, else its `current-context`), from the
/// files of [`kubeconfig_paths`] that exist.
pub fn from_kubeconfig(paths: &[PathBuf], context: Option<&str>) -> Result<Target, RunError> {
    let mut merged = KubeConfig::default();
    // Each entry keeps the directory of its file: relative paths are read from there.
    let (mut cluster_dirs, mut user_dirs) = (BTreeMap::new(), BTreeMap::new());
    let mut read_any = None;
    for path in paths {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(config_error(path, format!("kubeconfig: {e}"))),
        };
        let file: KubeConfig = serde_norway::from_str(&text).map_err(|e| config_error(path, format!("kubeconfig: {e}")))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        read_any.get_or_insert_with(|| path.clone());
        if merged.current_context.is_none() {
            merged.current_context = file.current_context.filter(|c| !c.is_empty());
        }
        for c in file.clusters {
            if !merged.clusters.iter().any(|m| m.name == c.name) {
                cluster_dirs.insert(c.name.clone(), dir.clone());
                merged.clusters.push(c);
            }
        }
        for u in file.users {
            if !merged.users.iter().any(|m| m.name == u.name) {
                user_dirs.insert(u.name.clone(), dir.clone());
                merged.users.push(u);
            }
        }
        for c in file.contexts {
            if !merged.contexts.iter().any(|m| m.name == c.name) {
                merged.contexts.push(c);
            }
        }
    }
    let Some(source) = read_any else {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(RunError::Usage(format!(
            "no kubeconfig found (looked for {}): set KUBECONFIG, or run in the cluster, or name an EKS cluster with --eks-cluster",
            if names.is_empty() { "~/.kube/config".into() } else { names.join(", ") }
        )));
    };
    let name = match context.or(merged.current_context.as_deref()) {
        Some(n) => n.to_string(),
        None => return Err(config_error(&source, "the kubeconfig has no current-context: name one with --kube-context")),
    };
    let ctx = merged.contexts.iter().find(|c| c.name == name).ok_or_else(|| {
        let known: Vec<&str> = merged.contexts.iter().map(|c| c.name.as_str()).collect();
        config_error(&source, format!("no context {:?} in the kubeconfig (it has: {})", name, known.join(", ")))
    })?;
    let cluster = merged
        .clusters
        .iter()
        .find(|c| c.name == ctx.value.cluster)
        .ok_or_else(|| config_error(&source, format!("context {:?} names the cluster {:?}, which the kubeconfig lacks", name, ctx.value.cluster)))?;
    let cluster_dir = cluster_dirs.get(&cluster.name).cloned().unwrap_or_default();
    if cluster.value.insecure_skip_tls_verify {
        return Err(config_error(
            &source,
            format!("cluster {:?} sets insecure-skip-tls-verify: an audit does not send credentials to a server it cannot authenticate", cluster.name),
        ));
    }
    let ca_pem = match (&cluster.value.certificate_authority_data, &cluster.value.certificate_authority) {
        (Some(data), _) => Some(decode_base64(data).map_err(|e| config_error(&source, format!("cluster {:?}: certificate-authority-data: {e}", cluster.name)))?),
        (None, Some(file)) => Some(read_file(&cluster_dir.join(file))?),
        (None, None) => None,
    };
    let auth = match merged.users.iter().find(|u| u.name == ctx.value.user) {
        None if ctx.value.user.is_empty() => Auth::None,
        None => return Err(config_error(&source, format!("context {:?} names the user {:?}, which the kubeconfig lacks", name, ctx.value.user))),
        Some(user) => user_auth(&user.user, &user.name, user_dirs.get(&user.name).cloned().unwrap_or_default(), &source)?,
    };
    Ok(Target {
        name: cluster.name.clone(),
        server: cluster.value.server.trim_end_matches('/').to_string(),
        ca_pem,
        tls_server_name: cluster.value.tls_server_name.clone(),
        auth,
        arn: None,
    })
}

fn user_auth(user: &UserEntry, name: &str, dir: PathBuf, source: &Path) -> Result<Auth, RunError> {
    let data = |what: &str, inline: &Option<String>, file: &Option<PathBuf>| -> Result<Option<Vec<u8>>, RunError> {
        match (inline, file) {
            (Some(d), _) => decode_base64(d).map(Some).map_err(|e| config_error(source, format!("user {name:?}: {what}-data: {e}"))),
            (None, Some(f)) => read_file(&dir.join(f)).map(Some),
            (None, None) => Ok(None),
        }
    };
    if let Some(exec) = &user.exec {
        if exec.command.trim().is_empty() {
            return Err(config_error(source, format!("user {name:?}: exec has no command")));
        }
        return Ok(Auth::Exec(exec.clone()));
    }
    if let Some(token) = user.token.as_deref().filter(|t| !t.is_empty()) {
        return Ok(Auth::Bearer(Secret::text(token)));
    }
    if let Some(file) = &user.token_file {
        return Ok(Auth::TokenFile(dir.join(file)));
    }
    let cert = data("client-certificate", &user.client_certificate_data, &user.client_certificate)?;
    let key = data("client-key", &user.client_key_data, &user.client_key)?;
    match (cert, key) {
        (Some(cert_pem), Some(key)) => return Ok(Auth::ClientCertificate { cert_pem, key_pem: Secret(key) }),
        (Some(_), None) | (None, Some(_)) => {
            return Err(config_error(source, format!("user {name:?}: a client certificate needs both the certificate and its key")));
        }
        (None, None) => {}
    }
    if user.auth_provider.is_some() || user.username.is_some() {
        return Err(config_error(
            source,
            format!("user {name:?}: auth-provider and basic authentication are not supported; use a token, a client certificate or an exec plugin"),
        ));
    }
    Ok(Auth::None)
}

/// The target of the pod's own service account, when the audit runs in the cluster.
pub fn in_cluster(host: &str, port: &str, dir: &Path) -> Result<Target, RunError> {
    let host = if host.contains(':') && !host.starts_with('[') { format!("[{host}]") } else { host.to_string() };
    let ca = dir.join("ca.crt");
    Ok(Target {
        name: "in-cluster".into(),
        server: format!("https://{host}:{port}"),
        ca_pem: Some(read_file(&ca)?),
        tls_server_name: None,
        auth: Auth::TokenFile(dir.join("token")),
        arn: None,
    })
}

fn read_file(path: &Path) -> Result<Vec<u8>, RunError> {
    std::fs::read(path).map_err(|e| config_error(path, e.to_string()))
}

pub(crate) fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(compact).map_err(|e| format!("not base64 ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    const CONFIG: &str = r#"
apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example.com:6443/
    certificate-authority-data: LS0tLS1CRUdJTg==
- name: prod-cluster
  cluster:
    server: https://prod.example.com
    certificate-authority: ca.pem
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user}
- name: prod
  context: {cluster: prod-cluster, user: prod-user}
- name: eks
  context: {cluster: prod-cluster, user: eks-user}
users:
- name: dev-user
  user: {token: s3cr3t}
- name: prod-user
  user:
    client-certificate: cert.pem
    client-key-data: a2V5
- name: eks-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, prod]
      env: [{name: AWS_PROFILE, value: prod}]
"#;

    #[test]
    fn contexts_resolve_to_a_server_and_credentials() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "config", CONFIG);
        write(dir.path(), "ca.pem", "CA");
        write(dir.path(), "cert.pem", "CERT");
        let dev = from_kubeconfig(std::slice::from_ref(&path), None).unwrap();
        assert_eq!((dev.name.as_str(), dev.server.as_str()), ("dev-cluster", "https://dev.example.com:6443"));
        assert_eq!(dev.ca_pem.as_deref(), Some(&b"-----BEGIN"[..]));
        assert!(matches!(&dev.auth, Auth::Bearer(t) if t.as_str() == "s3cr3t"));
        assert!(!format!("{dev:?}").contains("s3cr3t"), "a token is never shown");

        let prod = from_kubeconfig(std::slice::from_ref(&path), Some("prod")).unwrap();
        assert_eq!(prod.ca_pem.as_deref(), Some(&b"CA"[..]), "relative to the kubeconfig's directory");
        assert!(matches!(&prod.auth, Auth::ClientCertificate { cert_pem, key_pem } if cert_pem == b"CERT" && key_pem.0 == b"key"));

        let eks = from_kubeconfig(std::slice::from_ref(&path), Some("eks")).unwrap();
        let Auth::Exec(exec) = &eks.auth else { panic!("{eks:?}") };
        assert_eq!((exec.command.as_str(), exec.args.len()), ("aws", 4));
        assert!(!format!("{eks:?}").contains("=prod"), "exec environment values are not shown");

        let err = from_kubeconfig(std::slice::from_ref(&path), Some("nope")).unwrap_err().to_string();
        assert!(err.contains("no context \"nope\"") && err.contains("dev, prod, eks"), "{err}");
    }

    #[test]
    fn files_merge_first_wins_and_a_missing_file_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let first = write(dir.path(), "a", "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://a'}}]\n");
        let second = write(dir.path(), "b", "current-context: y\nclusters: [{name: c, cluster: {server: 'https://b'}}]\nusers: [{name: u, user: {tokenFile: t}}]\n");
        let target = from_kubeconfig(&[dir.path().join("missing"), first, second], None).unwrap();
        assert_eq!(target.server, "https://a");
        assert!(matches!(&target.auth, Auth::TokenFile(p) if p == &dir.path().join("t")));
        let err = from_kubeconfig(&[dir.path().join("missing")], None).unwrap_err();
        assert!(matches!(err, RunError::Usage(_)), "{err}");
    }

    #[test]
    fn unsafe_or_unsupported_settings_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let insecure = write(dir.path(), "i", "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://a', insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\n");
        assert!(from_kubeconfig(&[insecure], None).unwrap_err().to_string().contains("insecure-skip-tls-verify"));
        let basic = write(dir.path(), "b", "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://a'}}]\nusers: [{name: u, user: {username: admin, password: pw}}]\n");
        let err = from_kubeconfig(&[basic], None).unwrap_err().to_string();
        assert!(err.contains("not supported") && !err.contains("pw"), "{err}");
        let garbage = write(dir.path(), "g", "{{{{ not yaml");
        assert!(from_kubeconfig(&[garbage], None).is_err());
    }

    #[test]
    fn the_kubeconfig_list_comes_from_the_environment_or_home() {
        assert_eq!(kubeconfig_paths(Some("/a:/b"), None), [PathBuf::from("/a"), PathBuf::from("/b")]);
        assert_eq!(kubeconfig_paths(None, Some(Path::new("/home/x"))), [PathBuf::from("/home/x/.kube/config")]);
        assert_eq!(kubeconfig_paths(Some(""), Some(Path::new("/h"))), [PathBuf::from("/h/.kube/config")]);
    }

    #[test]
    fn in_cluster_reads_the_service_account() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "ca.crt", "CA");
        let t = in_cluster("10.0.0.1", "443", dir.path()).unwrap();
        assert_eq!(t.server, "https://10.0.0.1:443");
        assert!(matches!(&t.auth, Auth::TokenFile(p) if p == &dir.path().join("token")));
        assert_eq!(in_cluster("fd00::1", "443", dir.path()).unwrap().server, "https://[fd00::1]:443");
    }
}
