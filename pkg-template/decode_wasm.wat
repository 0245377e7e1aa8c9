;; The loop of decode_wasm.js, in WebAssembly: a cold JavaScript loop over the
;; 230,000 characters took 4-13 ms in Chromium, this one 2 (Firefox: 1).
;; Memory, laid out by decodeWasm: [0, 128) the byte of each one-character
;; code; [128, 256) each marker's number + 1 (0: not a marker); [256, …) the
;; byte of each marker + character pair, 128 a marker; then the text, then
;; the wasm written here. Returns where the written bytes end.
(module
  (memory (export "memory") 1)
  (func (export "decode") (param $src i32) (param $end i32) (param $dst i32) (result i32)
    (local $c i32)
    (local $m i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $src)))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (local.set $m (i32.load8_u offset=128 (local.get $c)))
        (if (i32.eqz (local.get $m))
          (then (i32.store8 (local.get $dst) (i32.load8_u (local.get $c))))
          (else
            ;; 128 + (m + 1) * 128 + next = 256 + m * 128 + next
            (i32.store8 (local.get $dst)
              (i32.load8_u offset=128
                (i32.add (i32.shl (local.get $m) (i32.const 7)) (i32.load8_u (local.get $src)))))
            (local.set $src (i32.add (local.get $src) (i32.const 1)))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (br $next)))
    (local.get $dst)))
