//! Python's `fmt % float(x)` for one number: AutoGPT replaces Jinja's `format` filter with
//! `{{ x | format("%.2f") }}`, which formats the value with a printf-style pattern.

use crate::python;

/// One `%` conversion: flags, width, precision and the conversion letter.
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    zero: bool,
    alt: bool,
    width: usize,
    precision: Option<usize>,
    conversion: char,
}

/// Formats `x` with a printf pattern that must hold exactly one conversion (plus any `%%`).
pub fn format_float(pattern: &str, x: f64) -> Result<String, String> {
    let mut out = String::new();
    let mut used = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        let mut spec = Spec {
            left: false,
            plus: false,
            space: false,
            zero: false,
            alt: false,
            width: 0,
            precision: None,
            conversion: ' ',
        };
        while let Some(&f) = chars.peek() {
            match f {
                '-' => spec.left = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '0' => spec.zero = true,
                '#' => spec.alt = true,
                _ => break,
            }
            chars.next();
        }
        spec.width = digits(&mut chars).unwrap_or(0);
        if chars.peek() == Some(&'.') {
            chars.next();
            spec.precision = Some(digits(&mut chars).unwrap_or(0));
        }
        spec.conversion = chars.next().ok_or("incomplete format")?;
        if used {
            return Err("not enough arguments for format string".into());
        }
        used = true;
        out.push_str(&convert(&spec, x)?);
    }
    if !used {
        return Err("not all arguments converted during string formatting".into());
    }
    Ok(out)
}

fn digits(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<usize> {
    let mut n: Option<usize> = None;
    while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
        chars.next();
        n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d as usize));
    }
    // A width beyond this is a mistake, not a layout; cap it so output stays small.
    n.map(|n| n.min(1000))
}

fn convert(spec: &Spec, x: f64) -> Result<String, String> {
    let numeric = matches!(
        spec.conversion,
        'd' | 'i' | 'u' | 'f' | 'F' | 'e' | 'E' | 'g' | 'G'
    );
    // Integer conversions truncate first, so that -0.5 prints as `0`, not `-0`.
    let x = if matches!(spec.conversion, 'd' | 'i' | 'u') {
        x.trunc()
    } else {
        x
    };
    let body = match spec.conversion {
        'd' | 'i' | 'u' => format!("{}", x.abs()),
        'f' | 'F' => format!("{:.*}", spec.precision.unwrap_or(6), x.abs()),
        'e' | 'E' => exponent(x.abs(), spec.precision.unwrap_or(6)),
        'g' | 'G' => general(x.abs(), spec.precision.unwrap_or(6), spec.alt),
        's' | 'r' | 'a' => python::float(x),
        c => return Err(format!("%{c} format: a real number is not allowed")),
    };
    let body = if spec.conversion.is_ascii_uppercase() {
        body.to_uppercase()
    } else {
        body
    };
    let sign = if !numeric {
        ""
    } else if x.is_sign_negative() && x != 0.0 {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    let len = sign.len() + body.chars().count();
    let pad = spec.width.saturating_sub(len);
    Ok(if spec.left {
        format!("{sign}{body}{}", " ".repeat(pad))
    } else if spec.zero && numeric {
        format!("{sign}{}{body}", "0".repeat(pad))
    } else {
        format!("{}{sign}{body}", " ".repeat(pad))
    })
}

/// `%e`: mantissa with `precision` decimals and a signed exponent of at least two digits.
fn exponent(x: f64, precision: usize) -> String {
    let s = format!("{x:.precision$e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

/// `%g`: `%e` or `%f` by exponent, trailing zeros removed unless `#`.
fn general(x: f64, precision: usize, alt: bool) -> String {
    if !x.is_finite() {
        return python::float(x);
    }
    let p = precision.max(1);
    let rounded = format!("{x:.*e}", p - 1);
    let exp: i32 = rounded
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    let s = if exp < -4 || exp >= p as i32 {
        exponent(x, p - 1)
    } else {
        format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, x)
    };
    if alt {
        return s;
    }
    match s.split_once('e') {
        Some((m, e)) => format!("{}e{e}", trim_zeros(m)),
        None => trim_zeros(&s).to_string(),
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::format_float;

    #[test]
    fn formats_like_python_percent() {
        assert_eq!(format_float("%.2f", 1.23456).unwrap(), "1.23");
        assert_eq!(format_float("$%08.2f!", -3.5).unwrap(), "$-0003.50!");
        assert_eq!(format_float("%d%%", 42.9).unwrap(), "42%");
        assert_eq!(format_float("%e", 12345.678).unwrap(), "1.234568e+04");
        assert_eq!(format_float("%g", 0.0001).unwrap(), "0.0001");
        assert_eq!(format_float("%g", 1234567.0).unwrap(), "1.23457e+06");
        assert_eq!(format_float("%s", 2.0).unwrap(), "2.0");
        assert_eq!(format_float("%-6.1f|", 2.0).unwrap(), "2.0   |");
    }

    #[test]
    fn wrong_argument_counts_fail_as_python() {
        assert!(format_float("plain", 1.0).is_err());
        assert!(format_float("%f %f", 1.0).is_err());
        assert!(format_float("%x", 1.0).is_err());
    }
}
