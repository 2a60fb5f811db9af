//! The `_statistics` module (CPython's Modules/_statisticsmodule.c): the
//! accelerator `statistics.NormalDist.inv_cdf` uses, `_normal_dist_inv_cdf(p, mu,
//! sigma, /)`.
//!
//! The inverse of the normal distribution's cumulative distribution function has no
//! closed form; this is Wichura's rational approximation, "Algorithm AS241: The
//! Percentage Points of the Normal Distribution", *Applied Statistics* 37(3):477–484
//! (1988), accurate to about 1 part in 10^16 — the algorithm and coefficients
//! `statistics.py` uses for its pure-Python fallback, so both give the same floats.
//! As CPython's, it raises `ValueError: inv_cdf undefined for these parameters` when
//! `p <= 0`, `p >= 1` or `sigma <= 0` (a NaN passes those tests and yields NaN).

#![allow(clippy::excessive_precision)] // AS241's coefficients as published

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::value_error;
use strand_objects::{float, module, PyObj, PyResult};

use strand_interp::native_module::add_functions;

/// AS241's `PPND16` polynomial pairs, highest degree first: the central region
/// (`|p - 0.5| <= 0.425`), then the tails with `r = sqrt(-ln(min(p, 1 - p)))` at
/// most 5, then beyond 5.
const CENTRAL_NUM: [f64; 8] = [
    2.509_080_928_730_122_672_7e3,
    3.343_057_558_358_812_810_5e4,
    6.726_577_092_700_870_085_3e4,
    4.592_195_393_154_987_145_7e4,
    1.373_169_376_550_946_112_5e4,
    1.971_590_950_306_551_442_7e3,
    1.331_416_678_917_843_774_5e2,
    3.387_132_872_796_366_608_0e0,
];
const CENTRAL_DEN: [f64; 8] = [
    5.226_495_278_852_854_561_0e3,
    2.872_908_573_572_194_267_4e4,
    3.930_789_580_009_271_061_0e4,
    2.121_379_430_158_659_586_7e4,
    5.394_196_021_424_751_107_7e3,
    6.871_870_074_920_579_083_0e2,
    4.231_333_070_160_091_125_2e1,
    1.0,
];
const NEAR_NUM: [f64; 8] = [
    7.745_450_142_783_414_076_40e-4,
    2.272_384_498_926_918_458_33e-2,
    2.417_807_251_774_506_117_70e-1,
    1.270_458_252_452_368_382_58e0,
    3.647_848_324_763_204_605_04e0,
    5.769_497_221_460_691_405_50e0,
    4.630_337_846_156_545_295_90e0,
    1.423_437_110_749_683_577_34e0,
];
const NEAR_DEN: [f64; 8] = [
    1.050_750_071_644_416_843_24e-9,
    5.475_938_084_995_344_946_00e-4,
    1.519_866_656_361_645_719_66e-2,
    1.481_039_764_274_800_745_90e-1,
    6.897_673_349_851_000_045_50e-1,
    1.676_384_830_183_803_849_40e0,
    2.053_191_626_637_758_821_87e0,
    1.0,
];
const FAR_NUM: [f64; 8] = [
    2.010_334_399_292_288_132_65e-7,
    2.711_555_568_743_487_578_15e-5,
    1.242_660_947_388_078_438_60e-3,
    2.653_218_952_657_612_309_30e-2,
    2.965_605_718_285_048_912_30e-1,
    1.784_826_539_917_291_335_80e0,
    5.463_784_911_164_114_369_90e0,
    6.657_904_643_501_103_777_20e0,
];
const FAR_DEN: [f64; 8] = [
    2.044_263_103_389_939_785_64e-15,
    1.421_511_758_316_445_888_70e-7,
    1.846_318_317_510_054_681_80e-5,
    7.868_691_311_456_132_591_00e-4,
    1.487_536_129_085_061_485_25e-2,
    1.369_298_809_227_358_053_10e-1,
    5.998_322_065_558_879_376_90e-1,
    1.0,
];

/// The polynomial with coefficients `c` (highest degree first) at `x`, by Horner's
/// rule, multiplying and adding in the order `statistics.py` writes it (so the
/// rounding is the same).
fn horner(c: &[f64; 8], x: f64) -> f64 {
    c[1..].iter().fold(c[0], |acc, &k| acc * x + k)
}

/// The `p`-quantile of the normal distribution with mean `mu` and standard
/// deviation `sigma`; `None` where it is undefined (`p <= 0`, `p >= 1` or
/// `sigma <= 0`).
pub fn normal_dist_inv_cdf(p: f64, mu: f64, sigma: f64) -> Option<f64> {
    if p <= 0.0 || p >= 1.0 || sigma <= 0.0 {
        return None;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        let x = horner(&CENTRAL_NUM, r) * q / horner(&CENTRAL_DEN, r);
        return Some(mu + x * sigma);
    }
    let r = if q <= 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let (num, den) = if r <= 5.0 {
        let r = r - 1.6;
        (horner(&NEAR_NUM, r), horner(&NEAR_DEN, r))
    } else {
        let r = r - 5.0;
        (horner(&FAR_NUM, r), horner(&FAR_DEN, r))
    };
    let x = if q < 0.0 { -(num / den) } else { num / den };
    Some(mu + x * sigma)
}

fn py_normal_dist_inv_cdf(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kw);
    // Argument Clinic's wording: keywords name the module, the count does not.
    a.no_kwargs("_statistics._normal_dist_inv_cdf")?;
    a.expect_fn("_normal_dist_inv_cdf", 3, 3)?;
    let p = ab::as_f64(&args[0])?;
    let mu = ab::as_f64(&args[1])?;
    let sigma = ab::as_f64(&args[2])?;
    match normal_dist_inv_cdf(p, mu, sigma) {
        Some(x) => Ok(float::from_f64(x)),
        None => Err(value_error("inv_cdf undefined for these parameters")),
    }
}

/// The `_statistics` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("_statistics");
    add_functions(
        &m,
        "_statistics",
        &[("_normal_dist_inv_cdf", py_normal_dist_inv_cdf)],
    );
    m
}

#[cfg(test)]
mod tests {
    use super::normal_dist_inv_cdf;

    #[test]
    fn median_and_symmetry() {
        assert_eq!(normal_dist_inv_cdf(0.5, 0.0, 1.0), Some(0.0));
        // The far tail (r > 5) is reached by tiny p only, whose complement rounds to 1.
        let far = normal_dist_inv_cdf(1e-300, 0.0, 1.0).unwrap();
        assert!(far.is_finite() && far < -37.0, "{far}");
        // Powers of two, so that 1 - p is exact.
        for p in [2f64.powi(-40), 2f64.powi(-10), 0.125, 0.25, 0.375] {
            let lo = normal_dist_inv_cdf(p, 0.0, 1.0).unwrap();
            let hi = normal_dist_inv_cdf(1.0 - p, 0.0, 1.0).unwrap();
            assert!(lo < 0.0, "{p}: {lo}");
            assert!((lo + hi).abs() <= 1e-9 * lo.abs(), "{p}: {lo} {hi}");
        }
    }

    #[test]
    fn known_quantiles() {
        // Standard normal quantiles from published tables.
        let z975 = normal_dist_inv_cdf(0.975, 0.0, 1.0).unwrap();
        assert!((z975 - 1.959_963_984_540_054).abs() < 1e-14, "{z975}");
        let z999 = normal_dist_inv_cdf(0.999, 0.0, 1.0).unwrap();
        assert!((z999 - 3.090_232_306_167_813_5).abs() < 1e-13, "{z999}");
        // Scaled and shifted.
        let x = normal_dist_inv_cdf(0.975, 100.0, 15.0).unwrap();
        assert!((x - (100.0 + 15.0 * z975)).abs() < 1e-12);
    }

    #[test]
    fn undefined_outside_the_open_interval() {
        for (p, sigma) in [(0.0, 1.0), (1.0, 1.0), (-0.5, 1.0), (0.5, 0.0), (0.5, -1.0)] {
            assert_eq!(normal_dist_inv_cdf(p, 0.0, sigma), None, "{p} {sigma}");
        }
        assert!(normal_dist_inv_cdf(f64::NAN, 0.0, 1.0).unwrap().is_nan());
    }
}
