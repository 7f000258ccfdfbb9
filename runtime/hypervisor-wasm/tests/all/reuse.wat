;; A handler that would notice a reused instance: every call first answers checksums of memory
;; it does not expect anyone else to write (page 0 and the packet's upper half) and its two
;; mutable globals and a byte of its packet's header, then scribbles: a store straddling two
;; write granules, a byte, that header byte, a fill and a copy at addresses taken from the
;; request data, and both globals. A fresh instance answers
;; the same every time. `grow` grows memory first, `trap` traps after scribbling. The start
;; function writes memory and a global and burns gas, so setup is not empty.
(module
  (import "hypervisor" "respond" (func $respond (param i32 i32)))
  (memory (export "memory") 2 16)
  (global $g (mut i32) (i32.const 1))
  (global $h (mut i64) (i64.const 5))
  ;; borsh WireMetadata: four volatile messages, no state config, no extra.
  (data (i32.const 512)
    "\04\00\00\00"
    "\09\00\00\00on_create\00\00\00\00\00"
    "\04\00\00\00poke\00\00\00\00\00"
    "\04\00\00\00grow\00\00\00\00\00"
    "\04\00\00\00trap\00\00\00\00\00"
    "\00\00\00\00\00\00\00\00")
  (func $start (local $i i32)
    (i32.store8 (i32.const 100) (i32.const 7))
    (global.set $g (i32.const 3))
    (loop $burn
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $burn (i32.lt_u (local.get $i) (i32.const 100)))))
  (start $start)
  (func (export "hv_packet") (result i32) (i32.const 65536))
  (func (export "hv_metadata") (call $respond (i32.const 512) (i32.const 69)))
  ;; Sum of the 64-bit words of [from, to), each multiplied by its position + 1.
  (func $checksum (param $from i32) (param $to i32) (result i64) (local $sum i64)
    (loop $words
      (local.set $sum
        (i64.add (local.get $sum)
          (i64.mul (i64.load (local.get $from)) (i64.extend_i32_u (i32.add (local.get $from) (i32.const 1))))))
      (local.set $from (i32.add (local.get $from) (i32.const 8)))
      (br_if $words (i32.lt_u (local.get $from) (local.get $to))))
    (local.get $sum))
  (func (export "hv_handle") (result i32) (local $a i32) (local $n i32) (local $kind i32)
    ;; The message name's first byte (name slot at packet offset 128: length, then bytes).
    (local.set $kind (i32.load8_u (i32.const 65665)))
    (if (i32.eq (local.get $kind) (i32.const 111)) (then (return (i32.const 0)))) ;; on_create
    (if (i32.eq (local.get $kind) (i32.const 103)) ;; grow
      (then (drop (memory.grow (i32.const 1)))))
    ;; The request data (packet offset 1024): two u32s, an address and a length.
    (local.set $a (i32.rem_u (i32.load (i32.const 66560)) (i32.const 60000)))
    (local.set $n (i32.rem_u (i32.load (i32.const 66564)) (i32.const 3000)))
    (i64.store (i32.const 62000) (call $checksum (i32.const 0) (i32.const 65536)))
    (i64.store (i32.const 62008) (call $checksum (i32.const 98304) (i32.const 131072)))
    (i32.store (i32.const 62016) (global.get $g))
    (i64.store (i32.const 62020) (global.get $h))
    ;; A byte of the packet's header no request field covers.
    (i32.store8 (i32.const 62028) (i32.load8_u (i32.const 66536)))
    (call $respond (i32.const 62000) (i32.const 29))
    (i64.store (i32.const 1020) (i64.add (i64.load (i32.const 1020)) (i64.const 0x0101010101010101)))
    (i32.store8 (local.get $a) (i32.const 0x5a))
    (i32.store8 (i32.const 66536) (i32.const 0x77))
    (memory.fill (i32.add (local.get $a) (i32.const 7)) (i32.const 0xab) (local.get $n))
    (memory.copy (i32.add (i32.const 100000) (local.get $n)) (i32.const 0) (local.get $n))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (global.set $h (i64.mul (global.get $h) (i64.const 3)))
    (if (i32.eq (local.get $kind) (i32.const 116)) (then (unreachable))) ;; trap
    (i32.const 0))
)
