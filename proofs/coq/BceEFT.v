(* BceEFT.v -- the error-free transformations of src/core/dd_tmpl.h in binary64
   with round-to-nearest-even (Flocq's FLT format, emin = -1074, 53 bits),
   written statement by statement as the C code, and proven exact:

     two_sum(a, b)       s + e = a + b                 (Knuth; Flocq TwoSum_correct)
     fast_two_sum(a, b)  s + e = a + b if |b| <= |a|   (Dekker; Fast2Sum_correct)
                         or if a, b are multiples of 2^f >= 2^emin and
                         |b| < 2^(f+53)  (fast_two_sum_exact_exp)
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

From Flocq Require Import Core Sterbenz Mult_error Pff2Flocq Plus_error.
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

(* fast_two_sum is exact also when |b| > |a|, provided a and b are both
   multiples of 2^f, |b| < 2^(f+53) and f >= emin (the exponent form of
   Dekker's condition).  Used by dd_sub inside dd_div, fast_two_sum(shi, c)
   after the cancellation ah - phi (proofs/gappa/dd_div.g): there shi is a
   multiple of ulp(ah)/2 and |c| <= 2^-50 |ah|, so f = the exponent of
   ulp(c) works. *)
Theorem fast_two_sum_exact_exp a b f : fmt a -> fmt b -> (emin <= f)%Z ->
  generic_format radix2 (FIX_exp f) a -> generic_format radix2 (FIX_exp f) b ->
  Rabs b < bpow radix2 (f + prec) ->
  fast_two_sum_s a b + fast_two_sum_e a b = a + b.
Proof.
  intros Ha Hb Hf Fa Fb Hbb.
  destruct (Rle_or_lt (Rabs b) (Rabs a)) as [Hab|Hab].
  { now apply fast_two_sum_exact. }
  unfold fast_two_sum_s, fast_two_sum_e.
  set (x := a + b). set (s := RN x).
  (* x and s are multiples of 2^f *)
  destruct (FIX_format_generic radix2 f a Fa) as [[ma ea] Ea Ea'].
  destruct (FIX_format_generic radix2 f b Fb) as [[mb eb] Eb Eb'].
  simpl in Ea', Eb'. subst ea eb.
  assert (Fx : generic_format radix2 (FIX_exp f) x).
  { apply generic_format_FIX. exists (Float radix2 (ma + mb) f); [|reflexivity].
    unfold x. rewrite Ea, Eb. unfold F2R. simpl. rewrite plus_IZR. ring. }
  assert (Fs : generic_format radix2 (FIX_exp f) s).
  { unfold s. apply generic_round_generic; auto with typeclass_instances. }
  (* |s - x| <= 2^f *)
  assert (Hsx : Rabs (s - x) <= bpow radix2 f).
  { destruct (Req_dec x 0) as [Zx|Zx].
    - unfold s. rewrite Zx, round_0; auto with typeclass_instances.
      rewrite Rminus_0_r, Rabs_R0. apply bpow_ge_0.
    - apply Rle_trans with (/2 * ulp radix2 (FLT_exp emin prec) x).
      + unfold s. apply error_le_half_ulp; auto with typeclass_instances.
      + rewrite ulp_neq_0 by exact Zx.
        assert (Hm : (mag radix2 x <= f + prec + 1)%Z).
        { apply mag_le_bpow; [exact Zx|].
          unfold x. apply Rle_lt_trans with (Rabs a + Rabs b); [apply Rabs_triang|].
          rewrite bpow_plus. change (bpow radix2 1) with 2. lra. }
        unfold cexp, FLT_exp.
        apply Rle_trans with (/2 * bpow radix2 (f + 1)).
        * apply Rmult_le_compat_l; [lra|]. apply bpow_le.
          unfold prec in *. lia.
        * rewrite bpow_plus. change (bpow radix2 1) with 2. lra. }
  (* |b| <= 2^(f+53) - 2^f *)
  assert (Hb2 : Rabs b <= bpow radix2 (f + prec) - bpow radix2 f).
  { rewrite Eb in Hbb |- *. unfold F2R in Hbb |- *. simpl in Hbb |- *.
    rewrite Rabs_mult, (Rabs_pos_eq (bpow radix2 f)) in Hbb |- * by apply bpow_ge_0.
    rewrite <- abs_IZR in Hbb |- *. rewrite bpow_plus in Hbb.
    rewrite (Rmult_comm (bpow radix2 f)) in Hbb.
    apply Rmult_lt_reg_r in Hbb; [|apply bpow_gt_0].
    change (bpow radix2 prec) with (IZR (Z.pow 2 53)) in Hbb.
    apply lt_IZR in Hbb.
    assert (H1 : (Z.abs mb <= Z.pow 2 53 - 1)%Z) by (revert Hbb; generalize (Z.pow 2 53); intros; lia).
    apply IZR_le in H1. rewrite minus_IZR in H1.
    rewrite bpow_plus. change (bpow radix2 prec) with (IZR (Z.pow 2 53)).
    apply Rle_trans with ((IZR (2 ^ 53) - 1) * bpow radix2 f).
    - apply Rmult_le_compat_r; [apply bpow_ge_0|]. simpl in H1 |- *. lra.
    - right. ring. }
  (* s - a is in the format: a multiple of 2^f, at most 2^(f+53) *)
  assert (Fsa : fmt (s - a)).
  { apply generic_inclusion_le with (fexp1 := FIX_exp f) (e2 := (f + prec)%Z);
      auto with typeclass_instances.
    - intros e He. unfold FLT_exp, FIX_exp. unfold prec, emin in *. lia.
    - replace (s - a) with ((s - x) + b) by (unfold x; ring).
      apply Rle_trans with (Rabs (s - x) + Rabs b); [apply Rabs_triang|]. lra.
    - destruct (FIX_format_generic radix2 f s Fs) as [[ms es] Es Es'].
      simpl in Es'. subst es.
      apply generic_format_FIX. exists (Float radix2 (ms - ma) f); [|reflexivity].
      rewrite Es, Ea. unfold F2R. simpl. rewrite minus_IZR. ring. }
  rewrite (round_generic _ _ _ (s - a) Fsa).
  replace (b - (s - a)) with (- (s - x)) by (unfold x; ring).
  assert (Fe : fmt (- (s - x))).
  { apply generic_format_opp. unfold s, x.
    apply plus_error; auto with typeclass_instances. }
  rewrite (round_generic _ _ _ _ Fe). fold x. ring.
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
