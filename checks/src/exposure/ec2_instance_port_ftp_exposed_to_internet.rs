use super::{service_port_check, tcp};

service_port_check! {
    id: "ec2_instance_port_ftp_exposed_to_internet",
    service: "FTP",
    ports_text: "TCP 20, TCP 21",
    why: "FTP sends credentials and files in clear text, and anonymous or weak FTP logins are scanned for constantly.",
    remediation: "Move file transfer to SFTP or S3 with presigned URLs; keep FTP, if at all, to trusted networks.",
    reference: "https://attack.mitre.org/techniques/T1071/002/",
    ports: [
    tcp(20, "FTP data"),
    tcp(21, "FTP"),
    ],
}
