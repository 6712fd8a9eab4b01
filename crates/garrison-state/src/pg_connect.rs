//! Opening a PostgreSQL session with the TLS its `sslmode` asks for (rustls, ring): the
//! connector is built once per backend and reused by every reconnection.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio::task::JoinHandle;
use tokio_postgres::config::SslMode as PgSslMode;
use tokio_postgres::{Client, Config, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::pg_tls::{Roots, SslMode, TlsSettings};

/// How sessions are opened: the tokio-postgres config (its TLS mode set) and the TLS
/// connector, if any.
#[derive(Clone)]
pub(crate) struct Connector {
    config: Config,
    tls: Option<MakeRustlsConnect>,
}

/// The session's connection task: it ends when the connection closes.
pub(crate) type ConnectionTask = JoinHandle<()>;

impl Connector {
    /// The connector for `config` with `settings` (reads `sslrootcert`'s file now, so a
    /// missing file is an error at connect, not at the first reconnection).
    pub(crate) fn new(mut config: Config, settings: &TlsSettings) -> Result<Self, String> {
        let tls = match settings.mode {
            SslMode::Disable => {
                config.ssl_mode(PgSslMode::Disable);
                None
            }
            SslMode::Prefer => {
                config.ssl_mode(PgSslMode::Prefer);
                Some(client_config(Verify::Nothing, &settings.roots)?)
            }
            SslMode::Require => {
                config.ssl_mode(PgSslMode::Require);
                Some(client_config(Verify::Nothing, &settings.roots)?)
            }
            SslMode::VerifyCa => {
                config.ssl_mode(PgSslMode::Require);
                Some(client_config(Verify::Chain, &settings.roots)?)
            }
            SslMode::VerifyFull => {
                config.ssl_mode(PgSslMode::Require);
                Some(client_config(Verify::ChainAndName, &settings.roots)?)
            }
        };
        Ok(Self {
            config,
            tls: tls.map(MakeRustlsConnect::new),
        })
    }

    /// Open a session; its connection runs as a task on the current runtime.
    pub(crate) async fn connect(&self) -> Result<(Client, ConnectionTask), tokio_postgres::Error> {
        match &self.tls {
            None => {
                let (client, connection) = self.config.connect(NoTls).await?;
                Ok((client, spawn(connection)))
            }
            Some(tls) => {
                let (client, connection) = self.config.connect(tls.clone()).await?;
                Ok((client, spawn(connection)))
            }
        }
    }
}

fn spawn<F>(connection: F) -> ConnectionTask
where
    F: std::future::Future<Output = Result<(), tokio_postgres::Error>> + Send + 'static,
{
    tokio::spawn(async move {
        let _ = connection.await;
    })
}

/// What a TLS connection checks of the server's certificate.
enum Verify {
    /// Nothing (`prefer`, `require`): encryption without authentication, as libpq.
    Nothing,
    /// A chain to a trusted root, whatever name it carries (`verify-ca`).
    Chain,
    /// A trusted chain naming the host (`verify-full`).
    ChainAndName,
}

fn client_config(verify: Verify, roots: &Roots) -> Result<ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up: {e}"))?;
    let verifier: Arc<dyn ServerCertVerifier> = match verify {
        Verify::Nothing => Arc::new(NoCheck(provider)),
        Verify::Chain => Arc::new(ChainOnly(webpki(roots, provider)?)),
        Verify::ChainAndName => webpki(roots, provider)?,
    };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

fn webpki(
    roots: &Roots,
    provider: Arc<CryptoProvider>,
) -> Result<Arc<WebPkiServerVerifier>, String> {
    let store = Arc::new(root_store(roots)?);
    WebPkiServerVerifier::builder_with_provider(store, provider)
        .build()
        .map_err(|e| format!("TLS set-up: {e}"))
}

fn root_store(roots: &Roots) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    match roots {
        Roots::System => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        Roots::File(path) => {
            let shown = path.display();
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("cannot read sslrootcert `{shown}`: {e}"))?;
            for cert in certs {
                let cert = cert.map_err(|e| format!("sslrootcert `{shown}`: {e}"))?;
                store
                    .add(cert)
                    .map_err(|e| format!("sslrootcert `{shown}`: {e}"))?;
            }
            if store.is_empty() {
                return Err(format!("sslrootcert `{shown}` holds no PEM certificate"));
            }
        }
    }
    Ok(store)
}

/// Accepts any certificate but still checks the handshake's signatures (`require`).
#[derive(Debug)]
struct NoCheck(Arc<CryptoProvider>);

impl ServerCertVerifier for NoCheck {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
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

/// The web PKI's checks except the host name (`verify-ca`).
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let checked =
            self.0
                .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now);
        match checked {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}
