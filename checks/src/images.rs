//! Container image references (`registry/repository[:tag][@digest]`), as ECS task
//! definitions and Kubernetes pods name them, and the registries the audit trusts.
//!
//! A reference without a registry host is Docker Hub's (`nginx` is
//! `docker.io/library/nginx:latest`); the first component is a host when it holds a `.` or a
//! `:` or is `localhost`. An ECR private registry is `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`.

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// The registry host (`docker.io` when the reference names none).
    pub registry: String,
    /// The repository path within the registry (`library/nginx`, `team/app`).
    pub repository: String,
    /// The tag; `None` with a digest alone, `latest` when neither is given.
    pub tag: Option<String>,
    /// `sha256:…` when the reference is pinned by digest.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses a reference; a malformed one (empty, whitespace or control characters, an empty
    /// path component) is an error naming what is wrong.
    pub fn parse(image: &str) -> Result<ImageRef, String> {
        if image.is_empty() {
            return Err("the image is empty".to_string());
        }
        if image.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("the image reference holds whitespace or control characters".to_string());
        }
        let (name, digest) = match image.split_once('@') {
            Some((name, digest)) if digest.contains(':') && !digest.ends_with(':') => (name, Some(digest.to_string())),
            Some(_) => return Err("the digest after '@' is not algorithm:hex".to_string()),
            None => (image, None),
        };
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (path, tag) = match name[last_slash..].rfind(':') {
            Some(i) => (&name[..last_slash + i], Some(name[last_slash + i + 1..].to_string())),
            None => (name, None),
        };
        if tag.as_deref() == Some("") {
            return Err("the tag after ':' is empty".to_string());
        }
        let (registry, repository) = match path.split_once('/') {
            Some((first, rest)) if first.contains('.') || first.contains(':') || first == "localhost" => (first.to_string(), rest.to_string()),
            Some(_) => ("docker.io".to_string(), path.to_string()),
            None => ("docker.io".to_string(), format!("library/{path}")),
        };
        if repository.is_empty() || repository.split('/').any(str::is_empty) {
            return Err("the repository path has an empty component".to_string());
        }
        let tag = if tag.is_none() && digest.is_none() { Some("latest".to_string()) } else { tag };
        Ok(ImageRef { registry: registry.to_ascii_lowercase(), repository, tag, digest })
    }

    /// `(account, region)` when the registry is an ECR private registry.
    pub fn ecr(&self) -> Option<(&str, &str)> {
        let rest = self.registry.strip_suffix(".amazonaws.com").or_else(|| self.registry.strip_suffix(".amazonaws.com.cn"))?;
        let (account, rest) = rest.split_once('.')?;
        let region = rest.strip_prefix("dkr.ecr.").or_else(|| rest.strip_prefix("dkr.ecr-fips."))?;
        let valid_region = !region.is_empty() && region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()) && valid_region).then_some((account, region))
    }

    /// `registry/repository`, the name trusted registries are matched against.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }
}

/// The entry of `trusted_registries` that admits this image, if any. An entry without `/`
/// names registry hosts, `*` matching any run of characters (`ghcr.io`,
/// `*.dkr.ecr.*.amazonaws.com`); an entry with `/` names a path prefix that ends at a
/// component boundary (`docker.io/library/` or `docker.io/library` admit
/// `docker.io/library/nginx`, `ghcr.io/acme` does not admit `ghcr.io/acme-evil/app`).
pub fn trusted_by<'a>(image: &ImageRef, trusted: &'a [String]) -> Option<&'a str> {
    let full = image.full_name();
    trusted
        .iter()
        .find(|entry| {
            let entry = entry.trim().to_ascii_lowercase();
            if entry.is_empty() {
                return false;
            }
            match entry.split_once('/') {
                None => crate::config_file::wildcard_match(&entry, &image.registry),
                Some(_) => {
                    let prefix = entry.trim_end_matches('/');
                    full.to_ascii_lowercase().strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                }
            }
        })
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_as_docker_reads_them() {
        let r = ImageRef::parse("nginx").unwrap();
        assert_eq!((r.registry.as_str(), r.repository.as_str(), r.tag.as_deref(), r.digest), ("docker.io", "library/nginx", Some("latest"), None));
        let r = ImageRef::parse("bitnami/redis:7.2").unwrap();
        assert_eq!((r.registry.as_str(), r.repository.as_str(), r.tag.as_deref()), ("docker.io", "bitnami/redis", Some("7.2")));
        let r = ImageRef::parse("localhost:5000/app@sha256:abc").unwrap();
        assert_eq!((r.registry.as_str(), r.repository.as_str(), r.tag, r.digest.as_deref()), ("localhost:5000", "app", None, Some("sha256:abc")));
        let r = ImageRef::parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:v1@sha256:def").unwrap();
        assert_eq!(r.ecr(), Some(("123456789012", "eu-west-1")));
        assert_eq!((r.tag.as_deref(), r.digest.as_deref()), (Some("v1"), Some("sha256:def")));
        assert_eq!(ImageRef::parse("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/x").unwrap().ecr(), Some(("123456789012", "us-east-1")));
        assert_eq!(ImageRef::parse("12345.dkr.ecr.eu-west-1.amazonaws.com/x").unwrap().ecr(), None);
        assert_eq!(ImageRef::parse("public.ecr.aws/nginx/nginx:1").unwrap().ecr(), None);
        for bad in ["", "nginx:", "a b", "app@sha256", "app@", "reg.io//x", "x\n"] {
            assert!(ImageRef::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn trusted_entries_match_hosts_or_path_prefixes_at_a_boundary() {
        let trusted: Vec<String> = ["ghcr.io/acme", "*.dkr.ecr.*.amazonaws.com", "docker.io/library/"].map(String::from).to_vec();
        let by = |image: &str| trusted_by(&ImageRef::parse(image).unwrap(), &trusted);
        assert_eq!(by("ghcr.io/acme/app:1"), Some("ghcr.io/acme"));
        assert_eq!(by("ghcr.io/acme-evil/app:1"), None);
        assert_eq!(by("210987654321.dkr.ecr.us-east-1.amazonaws.com/x"), Some("*.dkr.ecr.*.amazonaws.com"));
        assert_eq!(by("nginx:1.27"), Some("docker.io/library/"));
        assert_eq!(by("bitnami/redis"), None);
        assert_eq!(trusted_by(&ImageRef::parse("nginx").unwrap(), &[String::new()]), None);
    }
}
