//! `exec` credential plugins, run as kubectl runs them: the command with its arguments and
//! the kubeconfig's environment added to ours, `KUBERNETES_EXEC_INFO` describing the call
//! (not interactive: no terminal is offered), and an `ExecCredential` read from its standard
//! output. The credential is never written anywhere; what the plugin says on standard error
//! is shown (cut short) when it fails.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::config::{ExecConfig, Secret};
use crate::error::RunError;

/// What a plugin gave (its `Debug` shows no secret).
#[derive(Debug)]
pub enum Credential {
    Token(Secret),
    Certificate { cert_pem: Vec<u8>, key_pem: Secret },
}

#[derive(Deserialize)]
struct ExecCredential {
    #[serde(default)]
    status: Option<Status>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    client_certificate_data: Option<String>,
    #[serde(default)]
    client_key_data: Option<String>,
}

fn failed(exec: &ExecConfig, why: impl std::fmt::Display) -> RunError {
    RunError::Kubernetes(format!("the kubeconfig's credential plugin {:?} failed: {why}", exec.command))
}

/// Runs the plugin (on a blocking thread), at most `timeout`.
pub async fn run(exec: &ExecConfig, timeout: Duration) -> Result<Credential, RunError> {
    let exec = exec.clone();
    tokio::task::spawn_blocking(move || run_blocking(&exec, timeout)).await.map_err(|e| RunError::Kubernetes(e.to_string()))?
}

fn run_blocking(exec: &ExecConfig, timeout: Duration) -> Result<Credential, RunError> {
    let api_version = if exec.api_version.is_empty() { "client.authentication.k8s.io/v1beta1" } else { &exec.api_version };
    let info = serde_json::json!({"apiVersion": api_version, "kind": "ExecCredential", "spec": {"interactive": false}});
    let mut command = Command::new(&exec.command);
    command.args(&exec.args).env("KUBERNETES_EXEC_INFO", info.to_string()).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for var in exec.env.iter().flatten() {
        command.env(&var.name, &var.value);
    }
    let mut child = command.spawn().map_err(|e| failed(exec, format!("it could not be started ({e})")))?;
    // Read both pipes on their own threads, so that a chatty plugin never blocks on a full pipe.
    let mut out_pipe = child.stdout.take().expect("piped");
    let mut err_pipe = child.stderr.take().expect("piped");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out_pipe.by_ref().take(1 << 20).read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err_pipe.by_ref().take(1 << 16).read_to_end(&mut buf);
        buf
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(exec, format!("no answer within {}s", timeout.as_secs())));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(failed(exec, e)),
        }
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    if !status.success() {
        let said: String = String::from_utf8_lossy(&stderr).split_whitespace().collect::<Vec<_>>().join(" ").chars().take(300).collect();
        return Err(failed(exec, format!("{status}{}", if said.is_empty() { String::new() } else { format!(": {said}") })));
    }
    // The parse error is not shown: it could quote the credential.
    let credential: ExecCredential =
        serde_json::from_slice(&stdout).map_err(|_| failed(exec, "its output is not an ExecCredential (JSON)"))?;
    let status = credential.status.ok_or_else(|| failed(exec, "its ExecCredential has no status"))?;
    match (status.token.filter(|t| !t.is_empty()), status.client_certificate_data, status.client_key_data) {
        (Some(token), _, _) => Ok(Credential::Token(Secret::text(token))),
        (None, Some(cert), Some(key)) => Ok(Credential::Certificate { cert_pem: cert.into_bytes(), key_pem: Secret::text(key) }),
        _ => Err(failed(exec, "its ExecCredential holds neither a token nor a client certificate and key")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubernetes::config::EnvVar;

    fn sh(script: &str) -> ExecConfig {
        ExecConfig {
            command: "sh".into(),
            args: vec!["-c".into(), script.into()],
            env: Some(vec![EnvVar { name: "RAMPART_TEST_TOKEN".into(), value: "tok-123".into() }]),
            api_version: "client.authentication.k8s.io/v1".into(),
        }
    }

    #[tokio::test]
    async fn a_plugin_gives_a_token_with_the_environment_and_exec_info() {
        let script = r#"case "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) ;; *) exit 9;; esac
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$RAMPART_TEST_TOKEN""#;
        let Credential::Token(token) = run(&sh(script), Duration::from_secs(10)).await.unwrap() else { panic!() };
        assert_eq!(token.as_str(), "tok-123");
        let Ok(Credential::Certificate { cert_pem, .. }) =
            run(&sh(r#"echo '{"status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}}'"#), Duration::from_secs(10)).await
        else {
            panic!()
        };
        assert_eq!(cert_pem, b"CERT");
    }

    #[tokio::test]
    async fn a_failing_plugin_is_an_error_that_quotes_its_stderr_not_its_output() {
        let err = run(&sh("echo 'token expired, run aws sso login' >&2; exit 3"), Duration::from_secs(10)).await.unwrap_err().to_string();
        assert!(err.contains("run aws sso login") && err.contains("exit status: 3"), "{err}");
        let err = run(&sh("echo 'secret-looking garbage'"), Duration::from_secs(10)).await.unwrap_err().to_string();
        assert!(err.contains("not an ExecCredential") && !err.contains("garbage"), "{err}");
        let err = run(&sh("sleep 5"), Duration::from_millis(300)).await.unwrap_err().to_string();
        assert!(err.contains("no answer within"), "{err}");
        let missing = ExecConfig { command: "/nonexistent/plugin".into(), ..Default::default() };
        assert!(run(&missing, Duration::from_secs(1)).await.unwrap_err().to_string().contains("could not be started"));
    }
}
