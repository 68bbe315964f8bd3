(* BceEFT.v -- the error-free transformations of src/core/dd_tmpl.h in binary64
   with round-to-nearest-even (Flocq's FLT format, emin = -1074, 53 bits),
   written statement by statement as the C code, and proven exact:

     two_sum(a, b)       s + e = a + b                 (Knuth; Flocq TwoSum_correct)
     fast_two_sum(a, b)  s + e = a + b if |b| <= |a|   (Dekker; Fast2Sum_correct)
     two_prod, FMA form  p + e = a b if a b = 0 or |a b| >= 2^-969  (mult_error_FLT)
     two_prod, Dekker    p + e = a b under the same condition   (Flocq Dekker,
                         Veltkamp split with 2^27 + 1)
   and therefore: the FMA and the Dekker forms return the same pair (p, e),
   which is why every ISA computes the same bits (docs/ACCURACY.md).
   Sterbenz's lemma (x - y exact for y/2 <= x <= 2y) is used by
   bce_el_exp_scaled (x - k L1) and bce_el_ln3 (p.hi - 1).

   Flocq's FLT format has no overflow: the theorems hold for finite results
   (the kernels keep operands below 2^995, src/core/dd.h).  The proofs/gappa
   scripts write these operations as their exact specifications. *)

From Flocq Require Import Core Sterbenz Mult_error Pff2Flocq.
Require Import Reals Lra Lia ZArith.
Open Scope R_scope.

Definition emin : Z := (-1074)%Z.
Definition prec : Z := 53%Z.
Notation fmt := (generic_format radix2 (FLT_exp emin prec)).
Notation RN := (round radix2 (FLT_exp emin prec) ZnearestE).

#[export] Instance prec_gt_0_53 : Prec_gt_0 prec.
Proof. unfold Prec_gt_0, prec. lia. Qed.

Lemma choice_sym_even :
  forall x, negb (Z.even x) = negb (negb (Z.even (- (x + 1)))).
Proof.
  intros x. rewrite Bool.negb_involutive, Z.even_opp, Z.even_add. simpl.
  destruct (Z.even x); reflexivity.
Qed.

(* ---- core/dd_tmpl.h: two_sum ---- *)
Definition two_sum_s (a b : R) : R := RN (a + b).
Definition two_sum_e (a b : R) : R :=
  let s := RN (a + b) in
  let bb := RN (s - a) in
  RN (RN (a - RN (s - bb)) + RN (b - bb)).

Theorem two_sum_exact a b : fmt a -> fmt b ->
  two_sum_s a b + two_sum_e a b = a + b.
Proof.
  intros Ha Hb. unfold two_sum_s, two_sum_e.
  apply (TwoSum_correct emin prec (fun x => negb (Z.even x))); try assumption.
  - unfold prec. lia.
  - unfold emin. lia.
  - exact choice_sym_even.
Qed.

(* ---- core/dd_tmpl.h: fast_two_sum ---- *)
Definition fast_two_sum_s (a b : R) : R := RN (a + b).
Definition fast_two_sum_e (a b : R) : R := RN (b - RN (RN (a + b) - a)).

Theorem fast_two_sum_exact a b : fmt a -> fmt b -> Rabs b <= Rabs a ->
  fast_two_sum_s a b + fast_two_sum_e a b = a + b.
Proof.
  intros Ha Hb Hab. unfold fast_two_sum_s, fast_two_sum_e.
  replace (RN (a + b) - a) with (- (a - RN (a + b))) by ring.
  rewrite round_NE_opp.
  replace (b - - RN (a - RN (a + b))) with (b + RN (a - RN (a + b))) by ring.
  apply (Fast2Sum_correct emin prec (fun x => negb (Z.even x))); try assumption.
  - unfold prec. lia.
  - unfold emin. lia.
  - exact choice_sym_even.
Qed.

(* ---- core/dd_tmpl.h: two_prod with a fused multiply-add ---- *)
Definition two_prod_p (a b : R) : R := RN (a * b).
Definition two_prod_e_fma (a b : R) : R := RN (a * b - RN (a * b)).

Theorem two_prod_fma_exact a b : fmt a -> fmt b ->
  (a * b <> 0 -> bpow radix2 (-969) <= Rabs (a * b)) ->
  two_prod_p a b + two_prod_e_fma a b = a * b.
Proof.
  intros Ha Hb Hu. unfold two_prod_p, two_prod_e_fma.
  assert (F : fmt (RN (a * b) - a * b)).
  { apply mult_error_FLT; try assumption; auto with typeclass_instances. }
  rewrite round_generic with (x := a * b - RN (a * b));
    auto with typeclass_instances.
  - ring.
  - replace (a * b - RN (a * b)) with (- (RN (a * b) - a * b)) by ring.
    now apply generic_format_opp.
Qed.

(* ---- core/dd_tmpl.h: two_prod without FMA (Veltkamp split by 2^27 + 1, Dekker) ---- *)
Definition split_hi (a : R) : R :=
  let ta := RN (134217729 * a) in RN (ta - RN (ta - a)).
Definition split_lo (a : R) : R := RN (a - split_hi a).
Definition two_prod_e_dekker (a b : R) : R :=
  let p := RN (a * b) in
  let ah := split_hi a in let al := split_lo a in
  let bh := split_hi b in let bl := split_lo b in
  RN (RN (RN (RN (RN (ah * bh) - p) + RN (ah * bl)) + RN (al * bh)) + RN (al * bl)).

Lemma split_hi_flocq a :
  split_hi a = RN (RN (a - RN (a * (bpow radix2 27 + 1))) + RN (a * (bpow radix2 27 + 1))).
Proof.
  unfold split_hi.
  assert (E : a * (bpow radix2 27 + 1) = 134217729 * a).
  { simpl. rewrite Rmult_comm. f_equal. lra. }
  rewrite E. set (p := RN (134217729 * a)).
  replace (p - a) with (- (a - p)) by ring. rewrite round_NE_opp.
  f_equal. ring.
Qed.

Theorem two_prod_dekker_exact a b : fmt a -> fmt b ->
  (a * b = 0 \/ bpow radix2 (-969) <= Rabs (a * b)) ->
  two_prod_p a b + two_prod_e_dekker a b = a * b.
Proof.
  intros Ha Hb Hu.
  destruct (Dekker radix2 emin prec (fun x => negb (Z.even x))) with (x := a) (y := b)
    as [H _]; try assumption.
  - unfold prec. lia.
  - unfold emin. lia.
  - left. reflexivity.
  - unfold two_prod_p, two_prod_e_dekker, split_lo.
    rewrite !split_hi_flocq.
    replace (prec - Z.div2 prec)%Z with 27%Z in H by reflexivity.
    symmetry. etransitivity; [exact (H Hu) |].
    assert (C : forall u v, - u + v = v - u) by (intros; ring).
    rewrite C. reflexivity.
Qed.

(* The two forms give the same pair: the same bits on every ISA. *)
Theorem two_prod_same_bits a b : fmt a -> fmt b ->
  (a * b = 0 \/ bpow radix2 (-969) <= Rabs (a * b)) ->
  two_prod_e_fma a b = two_prod_e_dekker a b.
Proof.
  intros Ha Hb Hu.
  assert (H1 := two_prod_dekker_exact a b Ha Hb Hu).
  assert (H2 : two_prod_p a b + two_prod_e_fma a b = a * b).
  { apply two_prod_fma_exact; try assumption.
    intros Hn. destruct Hu as [Hz | Hz]; [contradiction | exact Hz]. }
  lra.
Qed.

(* ---- Sterbenz: x - y is exact when y/2 <= x <= 2 y ---- *)
Theorem sterbenz_exact x y : fmt x -> fmt y -> y / 2 <= x <= 2 * y ->
  RN (x - y) = x - y.
Proof.
  intros Hx Hy Hxy. apply round_generic; auto with typeclass_instances.
  apply sterbenz; auto with typeclass_instances.
Qed.
