//! Network functions: `cidrsubnet(prefix, newbits, netnum)` and `cidrhost(prefix,
//! hostnum)`, for IPv4 and IPv6, as Terraform computes them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde_json::Value;

use super::args::{arity, integer, string, Bad};

pub(super) fn call(name: &str, args: &[Value]) -> Result<Value, Bad> {
    if name == "cidrsubnet" {
        arity(name, args, 3, 3)?;
        let (addr, len, bits) = cidr(string(name, args, 0)?)?;
        let newbits = integer(name, args, 1)?;
        let netnum = integer(name, args, 2)?;
        let new_len = i64::from(len) + newbits;
        if newbits < 0 || new_len > i64::from(bits) {
            return Err(Bad::arg(
                1,
                format!(
                    "`/{len}` cannot be extended by {newbits} bits (at most {})",
                    bits - len
                ),
            ));
        }
        let new_len = new_len as u32;
        if netnum < 0 || (newbits < 64 && netnum >= 1i64 << newbits) {
            return Err(Bad::arg(
                2,
                format!("network number {netnum} does not fit in {newbits} bits"),
            ));
        }
        let shift = bits - new_len;
        let base = addr & mask(len, bits);
        let net = if shift >= 128 {
            base
        } else {
            base | ((netnum as u128) << shift)
        };
        return Ok(Value::String(format!("{}/{new_len}", show(net, bits))));
    }
    arity(name, args, 2, 2)?;
    let (addr, len, bits) = cidr(string(name, args, 0)?)?;
    let hostnum = integer(name, args, 1)?;
    let size = if bits - len >= 127 {
        u128::MAX
    } else {
        1u128 << (bits - len)
    };
    let index = if hostnum < 0 {
        size.checked_sub(hostnum.unsigned_abs() as u128)
    } else {
        Some(hostnum as u128).filter(|h| *h < size)
    };
    let Some(index) = index else {
        return Err(Bad::arg(
            1,
            format!("host number {hostnum} is outside the /{len} network"),
        ));
    };
    Ok(Value::String(show((addr & mask(len, bits)) | index, bits)))
}

/// (address as u128, prefix length, 32 or 128).
fn cidr(text: &str) -> Result<(u128, u32, u32), Bad> {
    let bad = || {
        Bad::arg(
            0,
            format!("`{text}` is not a CIDR prefix like \"10.0.0.0/16\""),
        )
    };
    let (ip, len) = text.split_once('/').ok_or_else(bad)?;
    let ip: IpAddr = ip.parse().map_err(|_| bad())?;
    let len: u32 = len.parse().map_err(|_| bad())?;
    let (value, bits) = match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    };
    if len > bits {
        return Err(bad());
    }
    Ok((value, len, bits))
}

fn mask(len: u32, bits: u32) -> u128 {
    let all = if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    if len == 0 {
        0
    } else {
        all & !((1u128 << (bits - len)).wrapping_sub(1)) & all
    }
}

fn show(value: u128, bits: u32) -> String {
    if bits == 32 {
        Ipv4Addr::from(value as u32).to_string()
    } else {
        Ipv6Addr::from(value).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, args: Vec<Value>) -> Result<Value, Bad> {
        call(name, &args)
    }

    #[test]
    fn matches_terraforms_examples() {
        let s = |v: &str| Value::String(v.into());
        assert_eq!(
            run("cidrsubnet", vec![s("172.16.0.0/12"), 4.into(), 2.into()]).unwrap(),
            s("172.18.0.0/16")
        );
        assert_eq!(
            run("cidrsubnet", vec![s("10.1.2.0/24"), 4.into(), 15.into()]).unwrap(),
            s("10.1.2.240/28")
        );
        assert_eq!(
            run(
                "cidrsubnet",
                vec![s("fd00:fd12:3456:7890::/56"), 16.into(), 162.into()]
            )
            .unwrap(),
            s("fd00:fd12:3456:7800:a200::/72")
        );
        assert_eq!(
            run("cidrhost", vec![s("10.12.112.0/20"), 16.into()]).unwrap(),
            s("10.12.112.16")
        );
        assert_eq!(
            run("cidrhost", vec![s("10.12.112.0/20"), 268.into()]).unwrap(),
            s("10.12.113.12")
        );
        assert_eq!(
            run("cidrhost", vec![s("10.0.0.0/24"), (-1).into()]).unwrap(),
            s("10.0.0.255")
        );
        assert!(run("cidrsubnet", vec![s("10.0.0.0/30"), 4.into(), 0.into()]).is_err());
        assert!(run("cidrhost", vec![s("10.0.0.0/24"), 256.into()]).is_err());
        assert!(run("cidrhost", vec![s("nope"), 1.into()]).is_err());
    }
}
