//! The few float operations the core needs, written out: `f64::round`,
//! `ceil`, `fract` and `powi` live in std, not in core, and the shipped build
//! is `no_std`. Results match std's for every value the module handles
//! (finite, below 2^53 in magnitude where they become integers).

/// `x.round() as i64`: halves away from zero; saturates like `as`.
pub fn round(x: f64) -> i64 {
    let whole = x as i64;
    let rest = x - whole as f64;
    if rest >= 0.5 {
        whole.saturating_add(1)
    } else if rest <= -0.5 {
        whole.saturating_sub(1)
    } else {
        whole
    }
}

/// `x.ceil() as i64`; saturates like `as`.
pub fn ceil(x: f64) -> i64 {
    let whole = x as i64;
    if (whole as f64) < x {
        whole.saturating_add(1)
    } else {
        whole
    }
}

/// Whether `x` is a whole number small enough that every integer up to it
/// is exact (|x| < 2^53).
pub fn is_safe_integer(x: f64) -> bool {
    x.abs() < 9_007_199_254_740_992.0 && (x as i64) as f64 == x
}

/// 10^n by squaring, as `powi` computes it: exact up to 10^22.
pub fn pow10(mut n: u32) -> f64 {
    let (mut base, mut acc) = (10.0f64, 1.0f64);
    while n > 0 {
        if n & 1 == 1 {
            acc *= base;
        }
        base *= base;
        n >>= 1;
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agree_with_std() {
        let samples = [
            0.0, -0.0, 0.4, 0.5, 0.6, 1.5, 2.5, -0.4, -0.5, -1.5, -2.5, 1e3 + 0.49, 1_795_376_374_195.5,
            -1_795_376_374_195.5, 9_007_199_254_740_991.0, 1e300, -1e300, 123.000_001,
        ];
        for x in samples {
            assert_eq!(round(x), x.round() as i64, "round {x}");
            assert_eq!(ceil(x), x.ceil() as i64, "ceil {x}");
            assert_eq!(is_safe_integer(x), x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15, "{x}");
        }
        for n in 0..=400 {
            assert_eq!(pow10(n), 10f64.powi(n as i32), "10^{n}");
        }
        for n in 0..=22 {
            assert_eq!(pow10(n), format!("1e{n}").parse::<f64>().unwrap(), "10^{n} is exact");
        }
    }
}
