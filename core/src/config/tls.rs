//! PEM files to a rustls client configuration: the daemon verified against a CA file
//! (or the system roots), and an optional client certificate and key for mTLS.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::error::Error;

/// TLS settings: which files to trust and present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptions {
    /// CA bundle the daemon's certificate must chain to; the system roots when `None`.
    pub ca: Option<PathBuf>,
    /// Client certificate (PEM) for mTLS; needs `key`.
    pub cert: Option<PathBuf>,
    /// Client private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key: Option<PathBuf>,
    /// Verify the daemon's certificate and name. Turning this off is what
    /// `DOCKER_TLS` without `DOCKER_TLS_VERIFY` does in the CLI.
    pub verify: bool,
}

impl TlsOptions {
    /// Verify against `ca`, no client certificate.
    pub fn with_ca(ca: impl Into<PathBuf>) -> Self {
        TlsOptions {
            ca: Some(ca.into()),
            cert: None,
            key: None,
            verify: true,
        }
    }

    /// `ca.pem`, `cert.pem` and `key.pem` of a directory, as `DOCKER_CERT_PATH` holds them;
    /// files that are missing are left out.
    pub fn from_dir(dir: impl AsRef<Path>, verify: bool) -> Self {
        let dir = dir.as_ref();
        let file = |f: &str| {
            let p = dir.join(f);
            p.is_file().then_some(p)
        };
        TlsOptions {
            ca: file("ca.pem"),
            cert: file("cert.pem"),
            key: file("key.pem"),
            verify,
        }
    }

    /// Adds a client certificate and key (mTLS).
    pub fn client_auth(mut self, cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        self.cert = Some(cert.into());
        self.key = Some(key.into());
        self
    }

    /// Builds the rustls configuration, reading the files now.
    pub(crate) fn client_config(&self) -> Result<Arc<ClientConfig>, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(format!("TLS setup: {e}")))?;
        let builder = if self.verify {
            builder.with_root_certificates(self.roots()?)
        } else {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(NoVerify(provider)))
        };
        let config = match (&self.cert, &self.key) {
            (Some(cert), Some(key)) => {
                let chain = read_certs(cert)?;
                let key = PrivateKeyDer::from_pem_file(key).map_err(|e| {
                    Error::Config(format!(
                        "cannot read a private key from {}: {e}",
                        key.display()
                    ))
                })?;
                builder.with_client_auth_cert(chain, key).map_err(|e| {
                    Error::Config(format!("client certificate {}: {e}", cert.display()))
                })?
            }
            (None, None) => builder.with_no_client_auth(),
            (Some(c), None) => {
                return Err(Error::Config(format!(
                    "client certificate {} given without its key",
                    c.display()
                )))
            }
            (None, Some(k)) => {
                return Err(Error::Config(format!(
                    "client key {} given without its certificate",
                    k.display()
                )))
            }
        };
        Ok(Arc::new(config))
    }

    fn roots(&self) -> Result<RootCertStore, Error> {
        let mut roots = RootCertStore::empty();
        match &self.ca {
            Some(ca) => {
                for cert in read_certs(ca)? {
                    roots.add(cert).map_err(|e| {
                        Error::Config(format!("CA certificate in {}: {e}", ca.display()))
                    })?;
                }
            }
            None => {
                let found = rustls_native_certs::load_native_certs();
                for cert in found.certs {
                    let _ = roots.add(cert);
                }
                if roots.is_empty() {
                    return Err(Error::Config(
                        "TLS verification asked for, but no CA file was given and no system roots were found".into(),
                    ));
                }
            }
        }
        Ok(roots)
    }
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certs: Vec<_> = CertificateDer::pem_file_iter(path)
        .map_err(|e| {
            Error::Config(format!(
                "cannot read certificates from {}: {e}",
                path.display()
            ))
        })?
        .collect::<Result<_, _>>()
        .map_err(|e| Error::Config(format!("bad certificate in {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(Error::Config(format!(
            "no certificate found in {}",
            path.display()
        )));
    }
    Ok(certs)
}

/// Accepts any server certificate (still checking handshake signatures): only
/// reached when the user turned verification off.
#[derive(Debug)]
struct NoVerify(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
