;; WebAssembly SIMD scoring kernels (the wasm backend of src/core; the JavaScript kernels in
;; src/core/kernels/*.ts are the fallback and the test oracle).
;;
;; Assembled by scripts/build-wasm.mjs (npm run build) into kernels-binary.ts, twice: once
;; with the shared memory import below (Node worker threads scan one gallery over a
;; SharedArrayBuffer) and once with a plain memory (browsers without cross-origin isolation).
;;
;; Conventions. Every pointer is a byte offset into the imported memory; rows are float32,
;; 16-byte aligned. A "row set" is (base, sOff, stride): row j's means start at
;; base + j*stride and its variances at base + sOff + j*stride, so one kernel reads both
;; separate N×D arrays (stride = 4D) and interleaved gallery records. Outputs are float64.
;; Nothing here allocates: no data segments, no stack, no globals, so many instances (one per
;; worker) can share one memory.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; ln 2, to convert a base-2 exponent count into nats.
  (global $LN2 f64 (f64.const 0x1.62e42fefa39efp-1))

  ;; Natural log of a positive, normal, finite float64. x = m·2^e with m in [√½, √2);
  ;; log m = 2 atanh(z) = 2z Σ_k z^(2k)/(2k+1), z = (m-1)/(m+1), |z| ≤ 0.1716. Truncated after
  ;; k = 6 the series errs by < 2·0.1716^15/15 ≈ 5e-13 (absolute), far below the float32
  ;; tolerance of every kernel here. The polynomial in z² is evaluated by Estrin's scheme
  ;; (independent halves) rather than Horner's chain, so a scan's logs pipeline.
  (func $log (param $x f64) (result f64)
    (local $bits i64) (local $e i64) (local $m f64) (local $z f64) (local $z2 f64) (local $z4 f64)
    (local.set $bits (i64.reinterpret_f64 (local.get $x)))
    (local.set $e (i64.sub (i64.shr_u (local.get $bits) (i64.const 52)) (i64.const 1023)))
    (local.set $m (f64.reinterpret_i64
      (i64.or (i64.and (local.get $bits) (i64.const 0x000fffffffffffff)) (i64.const 0x3ff0000000000000))))
    (if (f64.gt (local.get $m) (f64.const 0x1.6a09e667f3bcdp+0))
      (then
        (local.set $m (f64.mul (local.get $m) (f64.const 0.5)))
        (local.set $e (i64.add (local.get $e) (i64.const 1)))))
    (local.set $z (f64.div (f64.sub (local.get $m) (f64.const 1)) (f64.add (local.get $m) (f64.const 1))))
    (local.set $z2 (f64.mul (local.get $z) (local.get $z)))
    (local.set $z4 (f64.mul (local.get $z2) (local.get $z2)))
    (f64.add
      (f64.mul (f64.convert_i64_s (local.get $e)) (global.get $LN2))
      (f64.mul (f64.mul (f64.const 2) (local.get $z))
        (f64.add
          ;; (1 + z²/3) + z⁴ (1/5 + z²/7)
          (f64.add
            (f64.add (f64.const 1) (f64.mul (local.get $z2) (f64.const 0x1.5555555555555p-2)))
            (f64.mul (local.get $z4) (f64.add (f64.const 0x1.999999999999ap-3) (f64.mul (local.get $z2) (f64.const 0x1.2492492492492p-3)))))
          ;; + z⁸ ((1/9 + z²/11) + z⁴/13)
          (f64.mul (f64.mul (local.get $z4) (local.get $z4))
            (f64.add
              (f64.add (f64.const 0x1.c71c71c71c71cp-4) (f64.mul (local.get $z2) (f64.const 0x1.745d1745d1746p-4)))
              (f64.mul (local.get $z4) (f64.const 0x1.3b13b13b13b14p-4))))))))

  ;; $log on two float64 lanes at once (the same steps and series, in f64x2), for scans whose
  ;; rows each need one log: two rows' logs cost about as much as one scalar log.
  (func $log_f64x2 (param $x v128) (result v128)
    (local $e v128) (local $m v128) (local $big v128) (local $z v128) (local $z2 v128) (local $z4 v128)
    ;; biased exponents (< 2048) in the low 32 bits of each 64-bit lane
    (local.set $e (i64x2.sub (i64x2.shr_u (local.get $x) (i32.const 52)) (v128.const i64x2 1023 1023)))
    (local.set $m (v128.or
      (v128.and (local.get $x) (v128.const i64x2 0x000fffffffffffff 0x000fffffffffffff))
      (v128.const i64x2 0x3ff0000000000000 0x3ff0000000000000)))
    ;; m > √2: halve m and add 1 to e (the comparison's all-ones lane is −1)
    (local.set $big (f64x2.gt (local.get $m) (v128.const f64x2 0x1.6a09e667f3bcdp+0 0x1.6a09e667f3bcdp+0)))
    (local.set $m (v128.bitselect (f64x2.mul (local.get $m) (v128.const f64x2 0.5 0.5)) (local.get $m) (local.get $big)))
    (local.set $e (i64x2.sub (local.get $e) (local.get $big)))
    (local.set $z (f64x2.div
      (f64x2.sub (local.get $m) (v128.const f64x2 1 1))
      (f64x2.add (local.get $m) (v128.const f64x2 1 1))))
    (local.set $z2 (f64x2.mul (local.get $z) (local.get $z)))
    (local.set $z4 (f64x2.mul (local.get $z2) (local.get $z2)))
    (f64x2.add
      ;; the exponents' low words moved to lanes 0 and 1, then converted
      (f64x2.mul
        (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $e) (local.get $e)))
        (v128.const f64x2 0x1.62e42fefa39efp-1 0x1.62e42fefa39efp-1))
      (f64x2.mul (f64x2.add (local.get $z) (local.get $z))
        (f64x2.add
          (f64x2.add
            (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $z2) (v128.const f64x2 0x1.5555555555555p-2 0x1.5555555555555p-2)))
            (f64x2.mul (local.get $z4) (f64x2.add (v128.const f64x2 0x1.999999999999ap-3 0x1.999999999999ap-3)
              (f64x2.mul (local.get $z2) (v128.const f64x2 0x1.2492492492492p-3 0x1.2492492492492p-3)))))
          (f64x2.mul (f64x2.mul (local.get $z4) (local.get $z4))
            (f64x2.add
              (f64x2.add (v128.const f64x2 0x1.c71c71c71c71cp-4 0x1.c71c71c71c71cp-4)
                (f64x2.mul (local.get $z2) (v128.const f64x2 0x1.745d1745d1746p-4 0x1.745d1745d1746p-4)))
              (f64x2.mul (local.get $z4) (v128.const f64x2 0x1.3b13b13b13b14p-4 0x1.3b13b13b13b14p-4))))))))

  ;; Sum of the four float32 lanes of v, in float64.
  (func $lanes_f64 (param $v v128) (result f64)
    (f64.add
      (f64.add (f64.promote_f32 (f32x4.extract_lane 0 (local.get $v))) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $v))))
      (f64.add (f64.promote_f32 (f32x4.extract_lane 2 (local.get $v))) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $v))))))

  ;; The MLS distance sum of one pair, S = Σ_l [ (a_l − b_l)² / s_l + log s_l ], s_l = sA_l + sB_l
  ;; (the quantity of kernels/mls-sum.ts), eight dimensions per step in two float32x4 halves
  ;; x (dimensions l..l+3) and y (l+4..l+7):
  ;; - the weighted term on a common denominator, d_x²/s_x + d_y²/s_y = (d_x² s_y + d_y² s_x) / p
  ;;   with p = s_x s_y: one division per eight dimensions; float32, folded into float64
  ;;   every 64 dimensions;
  ;; - Σ log s = Σ log p without a log per dimension: each p = m·2^e is split by its bits
  ;;   into the integer exponent (summed exactly) and the mantissa m in [1,2) (multiplied per
  ;;   lane, renormalised every 64 dimensions so the product stays below 2^8); one log at the end.
  ;; The caller guarantees every s lies in [2^-60, 2^60], so p is a normal float32, and checks
  ;; the result for overflow (|Δμ| beyond float32's range gives ±inf or NaN). The last
  ;; D mod 8 dimensions run in float64 (their product of ≤ 7 sums stays within 2^±420).
  (func $mls_sum (param $am i32) (param $as i32) (param $bm i32) (param $bs i32) (param $dim i32) (result f64)
    (local $l i32) (local $start i32) (local $end i32) (local $vecEnd i32) (local $o i32)
    (local $sx v128) (local $sy v128) (local $dx v128) (local $dy v128) (local $p v128)
    (local $w v128) (local $m v128) (local $e v128)
    (local $weighted f64) (local $biased i32) (local $tailProduct f64) (local $sd f64) (local $dd f64)
    (local.set $vecEnd (i32.and (local.get $dim) (i32.const -8)))
    (local.set $m (f32x4.splat (f32.const 1)))
    (local.set $e (v128.const i32x4 0 0 0 0))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $l) (local.get $vecEnd)))
        (local.set $start (local.get $l))
        (local.set $end (i32.add (local.get $l) (i32.const 64)))
        (if (i32.gt_u (local.get $end) (local.get $vecEnd)) (then (local.set $end (local.get $vecEnd))))
        (local.set $w (v128.const i32x4 0 0 0 0))
        (loop $step
          (local.set $o (i32.shl (local.get $l) (i32.const 2)))
          (local.set $sx (f32x4.add (v128.load (i32.add (local.get $as) (local.get $o))) (v128.load (i32.add (local.get $bs) (local.get $o)))))
          (local.set $sy (f32x4.add (v128.load offset=16 (i32.add (local.get $as) (local.get $o))) (v128.load offset=16 (i32.add (local.get $bs) (local.get $o)))))
          (local.set $dx (f32x4.sub (v128.load (i32.add (local.get $am) (local.get $o))) (v128.load (i32.add (local.get $bm) (local.get $o)))))
          (local.set $dy (f32x4.sub (v128.load offset=16 (i32.add (local.get $am) (local.get $o))) (v128.load offset=16 (i32.add (local.get $bm) (local.get $o)))))
          (local.set $p (f32x4.mul (local.get $sx) (local.get $sy)))
          (local.set $w (f32x4.add (local.get $w) (f32x4.div
            (f32x4.add
              (f32x4.mul (f32x4.mul (local.get $dx) (local.get $dx)) (local.get $sy))
              (f32x4.mul (f32x4.mul (local.get $dy) (local.get $dy)) (local.get $sx)))
            (local.get $p))))
          (local.set $e (i32x4.add (local.get $e) (i32x4.shr_u (local.get $p) (i32.const 23))))
          (local.set $m (f32x4.mul (local.get $m)
            (v128.or (v128.and (local.get $p) (v128.const i32x4 0x007fffff 0x007fffff 0x007fffff 0x007fffff))
                     (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000))))
          (local.set $l (i32.add (local.get $l) (i32.const 8)))
          (br_if $step (i32.lt_u (local.get $l) (local.get $end))))
        ;; one biased exponent per lane per step, plus one for the renormalisation below
        (local.set $biased (i32.add (local.get $biased) (i32.add (i32.shr_u (i32.sub (local.get $end) (local.get $start)) (i32.const 3)) (i32.const 1))))
        (local.set $weighted (f64.add (local.get $weighted) (call $lanes_f64 (local.get $w))))
        ;; renormalise the mantissa products: move their exponents into e
        (local.set $e (i32x4.add (local.get $e) (i32x4.shr_u (local.get $m) (i32.const 23))))
        (local.set $m (v128.or (v128.and (local.get $m) (v128.const i32x4 0x007fffff 0x007fffff 0x007fffff 0x007fffff))
                               (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
        (br $block)))
    (local.set $tailProduct (f64.const 1))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $l) (local.get $dim)))
        (local.set $o (i32.shl (local.get $l) (i32.const 2)))
        (local.set $sd (f64.add
          (f64.promote_f32 (f32.load (i32.add (local.get $as) (local.get $o))))
          (f64.promote_f32 (f32.load (i32.add (local.get $bs) (local.get $o))))))
        (local.set $dd (f64.sub
          (f64.promote_f32 (f32.load (i32.add (local.get $am) (local.get $o))))
          (f64.promote_f32 (f32.load (i32.add (local.get $bm) (local.get $o))))))
        (local.set $weighted (f64.add (local.get $weighted) (f64.div (f64.mul (local.get $dd) (local.get $dd)) (local.get $sd))))
        (local.set $tailProduct (f64.mul (local.get $tailProduct) (local.get $sd)))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $tail)))
    ;; $biased counts the biased exponents added to each lane; each carries +127.
    (f64.add (local.get $weighted)
      (f64.add
        (f64.mul
          (f64.convert_i32_s (i32.sub
            (i32.add
              (i32.add (i32x4.extract_lane 0 (local.get $e)) (i32x4.extract_lane 1 (local.get $e)))
              (i32.add (i32x4.extract_lane 2 (local.get $e)) (i32x4.extract_lane 3 (local.get $e))))
            (i32.mul (local.get $biased) (i32.const 508)))) ;; 4 lanes × 127
          (global.get $LN2))
        (call $log (f64.mul (local.get $tailProduct)
          (f64.mul
            (f64.mul (f64.promote_f32 (f32x4.extract_lane 0 (local.get $m))) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $m))))
            (f64.mul (f64.promote_f32 (f32x4.extract_lane 2 (local.get $m))) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $m))))))))))

  ;; Σ_l a_l·b_l.
  ;; Sixteen dimensions per step in four independent float32x4 accumulators (so the adds do
  ;; not wait on each other), folded into float64 every 128 dimensions; the last D mod 16
  ;; dimensions in float64.
  (func $dot (param $a i32) (param $b i32) (param $dim i32) (result f64)
    (local $l i32) (local $end i32) (local $vecEnd i32) (local $p i32) (local $sum f64) (local $x f64)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $d v128)
    (local.set $vecEnd (i32.and (local.get $dim) (i32.const -16)))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $l) (local.get $vecEnd)))
        (local.set $end (i32.add (local.get $l) (i32.const 128)))
        (if (i32.gt_u (local.get $end) (local.get $vecEnd)) (then (local.set $end (local.get $vecEnd))))
        (local.set $acc0 (v128.const i32x4 0 0 0 0))
        (local.set $acc1 (v128.const i32x4 0 0 0 0))
        (local.set $acc2 (v128.const i32x4 0 0 0 0))
        (local.set $acc3 (v128.const i32x4 0 0 0 0))
        (loop $step
          (local.set $p (i32.shl (local.get $l) (i32.const 2)))
          (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul
            (v128.load offset=0 (i32.add (local.get $a) (local.get $p))) (v128.load offset=0 (i32.add (local.get $b) (local.get $p))))))
          (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul
            (v128.load offset=16 (i32.add (local.get $a) (local.get $p))) (v128.load offset=16 (i32.add (local.get $b) (local.get $p))))))
          (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul
            (v128.load offset=32 (i32.add (local.get $a) (local.get $p))) (v128.load offset=32 (i32.add (local.get $b) (local.get $p))))))
          (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul
            (v128.load offset=48 (i32.add (local.get $a) (local.get $p))) (v128.load offset=48 (i32.add (local.get $b) (local.get $p))))))
          (local.set $l (i32.add (local.get $l) (i32.const 16)))
          (br_if $step (i32.lt_u (local.get $l) (local.get $end))))
        (local.set $sum (f64.add (local.get $sum) (call $lanes_f64
          (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1)) (f32x4.add (local.get $acc2) (local.get $acc3))))))
        (br $block)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $l) (local.get $dim)))
        (local.set $p (i32.shl (local.get $l) (i32.const 2)))
        (local.set $sum (f64.add (local.get $sum) (f64.mul
          (f64.promote_f32 (f32.load (i32.add (local.get $a) (local.get $p))))
          (f64.promote_f32 (f32.load (i32.add (local.get $b) (local.get $p)))))))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $tail)))
    (local.get $sum))

  ;; Σ_l (a_l − b_l)².
  ;; Sixteen dimensions per step in four independent float32x4 accumulators (so the adds do
  ;; not wait on each other), folded into float64 every 128 dimensions; the last D mod 16
  ;; dimensions in float64.
  (func $sqdist (param $a i32) (param $b i32) (param $dim i32) (result f64)
    (local $l i32) (local $end i32) (local $vecEnd i32) (local $p i32) (local $sum f64) (local $x f64)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $d v128)
    (local.set $vecEnd (i32.and (local.get $dim) (i32.const -16)))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $l) (local.get $vecEnd)))
        (local.set $end (i32.add (local.get $l) (i32.const 128)))
        (if (i32.gt_u (local.get $end) (local.get $vecEnd)) (then (local.set $end (local.get $vecEnd))))
        (local.set $acc0 (v128.const i32x4 0 0 0 0))
        (local.set $acc1 (v128.const i32x4 0 0 0 0))
        (local.set $acc2 (v128.const i32x4 0 0 0 0))
        (local.set $acc3 (v128.const i32x4 0 0 0 0))
        (loop $step
          (local.set $p (i32.shl (local.get $l) (i32.const 2)))
          (local.set $d (f32x4.sub (v128.load offset=0 (i32.add (local.get $a) (local.get $p))) (v128.load offset=0 (i32.add (local.get $b) (local.get $p)))))
          (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $d) (local.get $d))))
          (local.set $d (f32x4.sub (v128.load offset=16 (i32.add (local.get $a) (local.get $p))) (v128.load offset=16 (i32.add (local.get $b) (local.get $p)))))
          (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $d) (local.get $d))))
          (local.set $d (f32x4.sub (v128.load offset=32 (i32.add (local.get $a) (local.get $p))) (v128.load offset=32 (i32.add (local.get $b) (local.get $p)))))
          (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $d) (local.get $d))))
          (local.set $d (f32x4.sub (v128.load offset=48 (i32.add (local.get $a) (local.get $p))) (v128.load offset=48 (i32.add (local.get $b) (local.get $p)))))
          (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $d) (local.get $d))))
          (local.set $l (i32.add (local.get $l) (i32.const 16)))
          (br_if $step (i32.lt_u (local.get $l) (local.get $end))))
        (local.set $sum (f64.add (local.get $sum) (call $lanes_f64
          (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1)) (f32x4.add (local.get $acc2) (local.get $acc3))))))
        (br $block)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $l) (local.get $dim)))
        (local.set $p (i32.shl (local.get $l) (i32.const 2)))
        (local.set $x (f64.sub
          (f64.promote_f32 (f32.load (i32.add (local.get $a) (local.get $p))))
          (f64.promote_f32 (f32.load (i32.add (local.get $b) (local.get $p))))))
        (local.set $sum (f64.add (local.get $sum) (f64.mul (local.get $x) (local.get $x))))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $tail)))
    (local.get $sum))

  ;; out[j] = scale·S(a, B[j]) + offset for j < count (S as $mls_sum); B is a row set.
  (func (export "mls_rows")
    (param $am i32) (param $as i32) (param $base i32) (param $sOff i32) (param $stride i32)
    (param $count i32) (param $dim i32) (param $scale f64) (param $offset f64) (param $out i32)
    (local $j i32) (local $row i32)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $j) (local.get $count)))
        (local.set $row (i32.add (local.get $base) (i32.mul (local.get $j) (local.get $stride))))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
          (f64.add (local.get $offset) (f64.mul (local.get $scale)
            (call $mls_sum (local.get $am) (local.get $as) (local.get $row) (i32.add (local.get $row) (local.get $sOff)) (local.get $dim)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows))))

  ;; out[k] = scale·S(A[ia[k]], B[ib[k]]) + offset for k < count; ia, ib int32 row indices;
  ;; A and B are row sets with the same stride.
  (func (export "mls_pairs")
    (param $aBase i32) (param $aSOff i32) (param $bBase i32) (param $bSOff i32) (param $stride i32)
    (param $ia i32) (param $ib i32) (param $count i32) (param $dim i32) (param $scale f64) (param $offset f64) (param $out i32)
    (local $k i32) (local $ra i32) (local $rb i32)
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $ra (i32.add (local.get $aBase) (i32.mul (i32.load (i32.add (local.get $ia) (i32.shl (local.get $k) (i32.const 2)))) (local.get $stride))))
        (local.set $rb (i32.add (local.get $bBase) (i32.mul (i32.load (i32.add (local.get $ib) (i32.shl (local.get $k) (i32.const 2)))) (local.get $stride))))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 3)))
          (f64.add (local.get $offset) (f64.mul (local.get $scale)
            (call $mls_sum (local.get $ra) (i32.add (local.get $ra) (local.get $aSOff)) (local.get $rb) (i32.add (local.get $rb) (local.get $bSOff)) (local.get $dim)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $pairs))))

  ;; out[j] = a·B[j] (kind 0) or ||a − B[j]||² (kind 1) for j < count; B's means at base + j·stride.
  (func (export "mean_rows")
    (param $kind i32) (param $a i32) (param $base i32) (param $stride i32) (param $count i32) (param $dim i32) (param $out i32)
    (local $j i32) (local $row i32)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $j) (local.get $count)))
        (local.set $row (i32.add (local.get $base) (i32.mul (local.get $j) (local.get $stride))))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
          (if (result f64) (local.get $kind)
            (then (call $sqdist (local.get $a) (local.get $row) (local.get $dim)))
            (else (call $dot (local.get $a) (local.get $row) (local.get $dim)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows))))

  ;; out[k] = A[ia[k]]·B[ib[k]] (kind 0) or ||A[ia[k]] − B[ib[k]]||² (kind 1); same stride.
  (func (export "mean_pairs")
    (param $kind i32) (param $aBase i32) (param $bBase i32) (param $stride i32)
    (param $ia i32) (param $ib i32) (param $count i32) (param $dim i32) (param $out i32)
    (local $k i32) (local $ra i32) (local $rb i32)
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $ra (i32.add (local.get $aBase) (i32.mul (i32.load (i32.add (local.get $ia) (i32.shl (local.get $k) (i32.const 2)))) (local.get $stride))))
        (local.set $rb (i32.add (local.get $bBase) (i32.mul (i32.load (i32.add (local.get $ib) (i32.shl (local.get $k) (i32.const 2)))) (local.get $stride))))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 3)))
          (if (result f64) (local.get $kind)
            (then (call $sqdist (local.get $ra) (local.get $rb) (local.get $dim)))
            (else (call $dot (local.get $ra) (local.get $rb) (local.get $dim)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $pairs))))

  ;; Cosine against gallery records: out[j] = clamp(a·B[j] · aInv · B[j].inverseNorm, ±1),
  ;; the row's 1/||μ|| (float32) at base + nOff + j·stride.
  (func (export "cosine_records")
    (param $a i32) (param $aInv f64) (param $base i32) (param $nOff i32) (param $stride i32)
    (param $count i32) (param $dim i32) (param $out i32)
    (local $j i32) (local $row i32) (local $c f64)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $j) (local.get $count)))
        (local.set $row (i32.add (local.get $base) (i32.mul (local.get $j) (local.get $stride))))
        (local.set $c (f64.mul (f64.mul (call $dot (local.get $a) (local.get $row) (local.get $dim)) (local.get $aInv))
          (f64.promote_f32 (f32.load (i32.add (local.get $row) (local.get $nOff))))))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
          (f64.max (f64.const -1) (f64.min (f64.const 1) (local.get $c))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows))))

  ;; Scalar-σ² (isotropic) MLS against gallery records, at dot-product cost (one pass over the
  ;; row, no division or log per dimension):
  ;;   s = sA + s_j (row's σ² float32 at sOff),
  ;;   out[j] = −½ (||a − b_j||² / s + D log s) − constant.
  ;; ||Δμ||² is summed directly, not as ||a||² + ||b||² − 2 a·b: the same pass and one more
  ;; subtraction per lane, but its float32 rounding stays relative to ||Δμ||² instead of to the
  ;; norms (the dot-product form's error, divided by a small s, reached 2e-5 of the score).
  ;; Two loops: the first stores ||Δμ||², the second finishes two rows at a time in float64x2
  ;; lanes (one division and one $log_f64x2 per two rows). Interleaved with the row passes,
  ;; each row's scalar division and log stalled the scan (as long as a 128-d pass); in a loop
  ;; of their own, two at a time, they cost a fraction of it.
  (func (export "isotropic_records")
    (param $a i32) (param $sA f64) (param $base i32) (param $sOff i32)
    (param $stride i32) (param $count i32) (param $dim i32) (param $constant f64) (param $out i32)
    (local $j i32) (local $row i32) (local $s f64) (local $at i32) (local $d f64) (local $pairEnd i32)
    (local $s2 v128) (local $sA2 v128) (local $d2 v128) (local $c2 v128)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $j) (local.get $count)))
        (local.set $row (i32.add (local.get $base) (i32.mul (local.get $j) (local.get $stride))))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
          (call $sqdist (local.get $a) (local.get $row) (local.get $dim)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows)))
    (local.set $d (f64.convert_i32_u (local.get $dim)))
    (local.set $sA2 (f64x2.splat (local.get $sA)))
    (local.set $d2 (f64x2.splat (local.get $d)))
    (local.set $c2 (f64x2.splat (local.get $constant)))
    (local.set $pairEnd (i32.and (local.get $count) (i32.const -2)))
    (local.set $j (i32.const 0))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $j) (local.get $pairEnd)))
        (local.set $row (i32.add (i32.add (local.get $base) (i32.mul (local.get $j) (local.get $stride))) (local.get $sOff)))
        (local.set $s2 (f64x2.add (local.get $sA2)
          (f64x2.replace_lane 1
            (f64x2.splat (f64.promote_f32 (f32.load (local.get $row))))
            (f64.promote_f32 (f32.load (i32.add (local.get $row) (local.get $stride)))))))
        (local.set $at (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store (local.get $at)
          (f64x2.sub
            (f64x2.mul (v128.const f64x2 -0.5 -0.5)
              (f64x2.add
                (f64x2.div (v128.load (local.get $at)) (local.get $s2))
                (f64x2.mul (local.get $d2) (call $log_f64x2 (local.get $s2)))))
            (local.get $c2)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $pairs)))
    ;; an odd count's last row
    (if (i32.lt_u (local.get $j) (local.get $count))
      (then
        (local.set $s (f64.add (local.get $sA)
          (f64.promote_f32 (f32.load (i32.add (i32.add (local.get $base) (i32.mul (local.get $j) (local.get $stride))) (local.get $sOff))))))
        (local.set $at (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))))
        (f64.store (local.get $at)
          (f64.sub
            (f64.mul (f64.const -0.5)
              (f64.add (f64.div (f64.load (local.get $at)) (local.get $s)) (f64.mul (local.get $d) (call $log (local.get $s)))))
            (local.get $constant))))))
)
