(* BceDerivation.v -- the derivation of the binary cross-entropy gradient
   (the seed, /work/shared/seed/derivation.md, equations (1)-(12)) and the
   identities libbce's kernels rely on, machine-checked with Coquelicot.

   Everything is stated for all real inputs (the probability-form lemmas for
   0 < p < 1, where the loss is defined).  No Admitted, no Axiom: proofs/run.sh
   runs Print Assumptions on every main theorem and accepts only the
   standard axioms of Coq's real numbers (Stdlib Reals + functional
   extensionality + propositional extensionality used by Coquelicot). *)

From Coquelicot Require Import Coquelicot.
Require Import Reals Lra Lia.
Open Scope R_scope.

(* turn Coquelicot's scal/mult/plus/opp on R into Rmult/Rplus/Ropp *)
Ltac rnorm := unfold scal, mult, plus, opp, minus, zero, one in *; simpl in *; unfold mult, plus, opp, zero, one in *; simpl in *.

(* ------------------------------------------------------------------------ *)
(* Definitions                                                              *)

(* (2) the logistic function *)
Definition sigma (z : R) : R := / (1 + exp (- z)).

(* (1) the loss as a function of the prediction yh = y-hat *)
Definition L (y yh : R) : R := - (y * ln yh + (1 - y) * ln (1 - yh)).

(* (3) z = w0 + sum_{i<k} x_i w_i  (the sum of the first k features) *)
Fixpoint lin (k : nat) (x w : nat -> R) : R :=
  match k with
  | O => 0
  | S k' => lin k' x w + x k' * w k'
  end.
Definition zlin (k : nat) (w0 : R) (x w : nat -> R) : R := w0 + lin k x w.

(* the loss of the model as a function of the parameters *)
Definition loss (k : nat) (y : R) (x : nat -> R) (w0 : R) (w : nat -> R) : R :=
  L y (sigma (zlin k w0 x w)).

(* w with its j-th weight replaced by t *)
Definition upd (w : nat -> R) (j : nat) (t : R) : nat -> R :=
  fun i => if Nat.eqb i j then t else w i.

Definition softplus (z : R) : R := ln (1 + exp z).

Lemma is_derive_eq (f : R -> R) (x l l' : R) :
  is_derive f x l -> l = l' -> is_derive f x l'.
Proof. intros H <-. exact H. Qed.

Lemma affine_deriv a b t : is_derive (fun t => a + b * t) t b.
Proof. auto_derive; [exact I | ring]. Qed.

(* ------------------------------------------------------------------------ *)
(* Basic facts about sigma                                                  *)

Lemma one_exp_pos z : 0 < 1 + exp z.
Proof. pose proof (exp_pos z). lra. Qed.

Lemma sigma_pos z : 0 < sigma z.
Proof. unfold sigma. apply Rinv_0_lt_compat, one_exp_pos. Qed.

Lemma sigma_lt_1 z : sigma z < 1.
Proof.
  unfold sigma. pose proof (exp_pos (- z)).
  rewrite <- Rinv_1. apply Rinv_lt_contravar; lra.
Qed.

(* 1 - sigma(z) = sigma(-z) *)
Theorem one_minus_sigma z : 1 - sigma z = sigma (- z).
Proof.
  unfold sigma. rewrite Ropp_involutive.
  pose proof (exp_pos (- z)).
  replace (exp z) with (/ exp (- z)) by (rewrite exp_Ropp, Rinv_inv; reflexivity).
  field. split; lra.
Qed.

(* ------------------------------------------------------------------------ *)
(* The seed's steps                                                         *)

(* (5)  dL/dyh = (yh - y) / (yh (1 - yh)),  0 < yh < 1 *)
Theorem dL_dyh y yh : 0 < yh < 1 ->
  is_derive (L y) yh ((yh - y) / (yh * (1 - yh))).
Proof.
  intros [H0 H1]. unfold L. auto_derive.
  - split; [lra | split; [lra | exact I]].
  - field. split; lra.
Qed.

(* (6)-(10)  sigma' = sigma (1 - sigma) *)
Theorem sigma_deriv z : is_derive sigma z (sigma z * (1 - sigma z)).
Proof.
  unfold sigma. pose proof (exp_pos (- z)). auto_derive.
  - lra.
  - field. lra.
Qed.

(* (4)+(12) on the logit: d/dz L(y, sigma z) = sigma z - y, for all real z, y *)
Theorem dL_dz y z : is_derive (fun z => L y (sigma z)) z (sigma z - y).
Proof.
  pose proof (sigma_pos z) as Hp0. pose proof (sigma_lt_1 z) as Hp1.
  evar (l : R).
  assert (H : is_derive (fun z => L y (sigma z)) z l).
  { apply (is_derive_comp (L y) sigma).
    - apply dL_dyh. split; assumption.
    - apply sigma_deriv. }
  replace (sigma z - y) with l; [exact H |].
  unfold l. rnorm. field. split; lra.
Qed.

(* (11) for an affine logit a + b t: d/dt L(y, sigma(a + b t)) = (sigma - y) b *)
Lemma dL_affine y a b t :
  is_derive (fun t => L y (sigma (a + b * t))) t ((sigma (a + b * t) - y) * b).
Proof.
  eapply is_derive_eq.
  - apply (is_derive_comp (fun z => L y (sigma z)) (fun t => a + b * t)).
    + apply dL_dz.
    + apply affine_deriv.
  - rnorm. ring.
Qed.

(* the sum is affine in each weight *)
Lemma lin_upd k x w j t : (j < k)%nat ->
  lin k x (upd w j t) = lin k x w - x j * w j + x j * t.
Proof.
  induction k as [| k IH]; intros Hj; [lia |].
  simpl. unfold upd at 2. destruct (Nat.eqb k j) eqn:E.
  - apply Nat.eqb_eq in E. subst k.
    assert (Hr : lin j x (upd w j t) = lin j x w).
    { clear IH Hj. assert (Hlt : forall m, (m <= j)%nat -> lin m x (upd w j t) = lin m x w).
      { induction m as [| m IHm]; intros Hm; [reflexivity |].
        simpl. rewrite IHm by lia. unfold upd.
        destruct (Nat.eqb m j) eqn:Em; [apply Nat.eqb_eq in Em; lia | reflexivity]. }
      apply Hlt. lia. }
    rewrite Hr. ring.
  - apply Nat.eqb_neq in E. rewrite IH by lia. ring.
Qed.

(* (12) the result: dL/dw_j = (yh - y) x_j for every feature j < k *)
Theorem dL_dwj k y x w0 w j : (j < k)%nat ->
  is_derive (fun t => loss k y x w0 (upd w j t)) (w j)
            ((sigma (zlin k w0 x w) - y) * x j).
Proof.
  intros Hj. unfold loss, zlin.
  assert (Hf : forall t, L y (sigma (w0 + lin k x (upd w j t)))
                       = L y (sigma ((w0 + lin k x w - x j * w j) + x j * t))).
  { intro t. rewrite lin_upd by exact Hj. f_equal. f_equal. ring. }
  eapply is_derive_ext; [intro t; symmetry; apply Hf |].
  replace (w0 + lin k x w) with ((w0 + lin k x w - x j * w j) + x j * w j) at 1 by ring.
  apply dL_affine.
Qed.

(* ... and dL/dw0 = yh - y *)
Theorem dL_dw0 k y x w0 w :
  is_derive (fun t => loss k y x t w) w0 (sigma (zlin k w0 x w) - y).
Proof.
  unfold loss, zlin.
  eapply is_derive_ext
    with (f := fun t => L y (sigma (lin k x w + 1 * t))).
  { intro t. f_equal. f_equal. ring. }
  replace (sigma (w0 + lin k x w) - y) with ((sigma (lin k x w + 1 * w0) - y) * 1).
  - apply dL_affine.
  - rewrite Rmult_1_r. f_equal. f_equal. ring.
Qed.

(* ------------------------------------------------------------------------ *)
(* Identities the kernels use                                               *)

Lemma ln_sigma z : ln (sigma z) = - softplus (- z).
Proof.
  unfold sigma, softplus. rewrite ln_Rinv by apply one_exp_pos. reflexivity.
Qed.

Lemma softplus_neg z : softplus (- z) = softplus z - z.
Proof.
  unfold softplus.
  replace (1 + exp (- z)) with ((1 + exp z) * exp (- z)).
  - rewrite ln_mult by (try apply one_exp_pos; apply exp_pos).
    rewrite ln_exp. ring.
  - rewrite Rmult_plus_distr_r, <- exp_plus. replace (z + - z) with 0 by ring.
    rewrite exp_0. ring.
Qed.

(* the loss in its weighted form: alpha softplus(-z) + beta softplus(z) *)
Lemma L_sigma_softplus y z :
  L y (sigma z) = y * softplus (- z) + (1 - y) * softplus z.
Proof.
  unfold L. rewrite one_minus_sigma, !ln_sigma, Ropp_involutive. ring.
Qed.

(* L = softplus(z) - y z *)
Theorem L_softplus y z : L y (sigma z) = softplus z - y * z.
Proof. rewrite L_sigma_softplus, softplus_neg. ring. Qed.

(* L = (z > 0 ? 1 - y : y) |z| + ln(1 + e^-|z|) *)
Theorem L_abs y z :
  L y (sigma z) = (if Rlt_dec 0 z then 1 - y else y) * Rabs z + ln (1 + exp (- Rabs z)).
Proof.
  rewrite L_softplus. destruct (Rlt_dec 0 z) as [Hz | Hz].
  - rewrite Rabs_pos_eq by lra.
    pose proof (softplus_neg z) as H. unfold softplus at 1 in H. rewrite H. ring.
  - rewrite Rabs_left1 by lra. rewrite Ropp_involutive. unfold softplus. ring.
Qed.

(* L(z, y) = L(-z, 1 - y) *)
Theorem L_sym y z : L y (sigma z) = L (1 - y) (sigma (- z)).
Proof. rewrite !L_softplus, softplus_neg. ring. Qed.

(* d^2L/dz^2 = sigma (1 - sigma) > 0 *)
Theorem d2L_dz2 y z :
  is_derive (fun z => sigma z - y) z (sigma z * (1 - sigma z))
  /\ 0 < sigma z * (1 - sigma z).
Proof.
  split.
  - evar (l : R).
    assert (H : is_derive (fun z => sigma z - y) z l).
    { apply (@is_derive_minus R_AbsRing R_NormedModule); [apply sigma_deriv | apply is_derive_const]. }
    replace (sigma z * (1 - sigma z)) with l; [exact H |]. unfold l. rnorm. ring.
  - pose proof (sigma_pos z). pose proof (sigma_lt_1 z). nra.
Qed.

(* Convexity in w: along any direction (v0, v), t |-> loss(w + t v) has
   first derivative (sigma - y) d and second derivative sigma (1 - sigma) d^2
   >= 0, where d = v0 + sum x_i v_i. *)
Lemma lin_dir k x w v t :
  lin k x (fun i => w i + t * v i) = lin k x w + t * lin k x v.
Proof. induction k as [| k IH]; simpl; [ring | rewrite IH; ring]. Qed.

Theorem loss_convex k y x w0 w v0 v t :
  let d := v0 + lin k x v in
  let z := zlin k w0 x w + t * d in
  is_derive (fun t => loss k y x (w0 + t * v0) (fun i => w i + t * v i)) t
            ((sigma z - y) * d)
  /\ is_derive (fun t => (sigma (zlin k w0 x w + t * d) - y) * d) t
               (sigma z * (1 - sigma z) * (d * d))
  /\ 0 <= sigma z * (1 - sigma z) * (d * d).
Proof.
  intros d z. split; [| split].
  - unfold loss.
    eapply is_derive_ext with (f := fun t => L y (sigma (zlin k w0 x w + d * t))).
    { intro s. f_equal. f_equal. unfold zlin, d. rewrite lin_dir. ring. }
    unfold z. rewrite (Rmult_comm t d). apply dL_affine.
  - unfold z, sigma. pose proof (exp_pos (- (zlin k w0 x w + t * d))). auto_derive.
    + lra.
    + field. lra.
  - pose proof (d2L_dz2 y z) as [_ H]. pose proof (Rle_0_sqr d). unfold Rsqr in *. nra.
Qed.

(* ------------------------------------------------------------------------ *)
(* The general forms the code computes (src/core/internal.h, src/core/label.c):
     alpha = P y', beta = 1 - y', N = alpha + beta, y' = y (1 - a) + a / 2
     logits:  L = alpha softplus(-z) + beta softplus(z)
     probs:   L = -alpha log p - beta log1p(-p)
   with a sample weight w multiplying both.                                 *)

Definition Lw (al be z : R) : R := al * softplus (- z) + be * softplus z.

Lemma softplus_deriv z : is_derive softplus z (sigma z).
Proof.
  unfold softplus, sigma. pose proof (exp_pos z). pose proof (exp_pos (- z)).
  auto_derive.
  - lra.
  - assert (E : exp (- z) * exp z = 1).
    { rewrite <- exp_plus. replace (- z + z) with 0 by ring. apply exp_0. }
    field_simplify_eq; [nra | split; lra].
Qed.

(* the derivative of the weighted logits form: beta sigma(z) - alpha sigma(-z) *)
Theorem dLw_dz al be z :
  is_derive (Lw al be) z (be * sigma z - al * sigma (- z)).
Proof.
  unfold Lw. evar (l : R).
  assert (H : is_derive (fun z => al * softplus (- z) + be * softplus z) z l).
  { apply (@is_derive_plus R_AbsRing R_NormedModule).
    - apply (is_derive_scal (fun z => softplus (- z))).
      apply (is_derive_comp softplus Ropp).
      + apply softplus_deriv.
      + apply (@is_derive_opp R_AbsRing R_NormedModule), (@is_derive_id R_AbsRing).
    - apply (is_derive_scal softplus), softplus_deriv. }
  replace (be * sigma z - al * sigma (- z)) with l; [exact H |].
  unfold l. rnorm. ring.
Qed.

(* ... which is what level1/logits_hot_tmpl.h / level1/logits.c compute:
   s0 = sigma(-|z|), N = alpha + beta, C = (z > 0 ? beta : alpha),
   g = -(N s0 - C) for z > 0, g = N s0 - C for z <= 0. *)
Theorem grad_code al be z :
  let N := al + be in
  let s0 := sigma (- Rabs z) in
  let C := if Rlt_dec 0 z then be else al in
  be * sigma z - al * sigma (- z)
  = if Rlt_dec 0 z then - (N * s0 - C) else N * s0 - C.
Proof.
  intros N s0 C. unfold s0, C, N. destruct (Rlt_dec 0 z) as [Hz | Hz].
  - rewrite Rabs_pos_eq by lra. rewrite <- (one_minus_sigma z). ring.
  - rewrite Rabs_left1 by lra. rewrite Ropp_involutive.
    rewrite <- (one_minus_sigma z). ring.
Qed.

(* the loss as the code computes it: C |z| + N log1p(e^-|z|) *)
Theorem loss_code al be z :
  let C := if Rlt_dec 0 z then be else al in
  Lw al be z = C * Rabs z + (al + be) * ln (1 + exp (- Rabs z)).
Proof.
  intros C. unfold Lw, C. destruct (Rlt_dec 0 z) as [Hz | Hz].
  - rewrite Rabs_pos_eq by lra. change (ln (1 + exp (- z))) with (softplus (- z)).
    rewrite softplus_neg. ring.
  - rewrite Rabs_left1 by lra. rewrite Ropp_involutive.
    change (ln (1 + exp z)) with (softplus z). rewrite softplus_neg. ring.
Qed.

(* plain labels: alpha = y, beta = 1 - y gives the seed's loss *)
Theorem Lw_plain y z : Lw y (1 - y) z = L y (sigma z).
Proof. unfold Lw. rewrite L_sigma_softplus. reflexivity. Qed.

(* pos_weight P: alpha = P y, beta = 1 - y  (core/label.c, kp->has_pw) *)
Definition alpha_pw (P y : R) := P * y.
Theorem grad_pos_weight P y z :
  is_derive (Lw (alpha_pw P y) (1 - y)) z
            ((1 - y) * sigma z - P * y * sigma (- z)).
Proof. unfold alpha_pw. apply dLw_dz. Qed.

(* label smoothing a: y' = y (1 - a) + a/2, alpha = P y' (P = 1 without
   pos_weight), beta = 1 - y'  (core/label.c) *)
Definition ysmooth (a y : R) := y * (1 - a) + a / 2.
Theorem grad_smoothing P a y z :
  let yp := ysmooth a y in
  is_derive (Lw (P * yp) (1 - yp)) z ((1 - yp) * sigma z - P * yp * sigma (- z)).
Proof. intros yp. apply dLw_dz. Qed.

(* sample weight w: the loss w Lw has gradient w (dLw/dz) x_j *)
Theorem grad_weighted_wj k w_s al be x w0 w j : (j < k)%nat ->
  is_derive (fun t => w_s * Lw al be (zlin k w0 x (upd w j t))) (w j)
            (w_s * (be * sigma (zlin k w0 x w) - al * sigma (- zlin k w0 x w)) * x j).
Proof.
  intros Hj. unfold zlin.
  eapply is_derive_ext
    with (f := fun t => w_s * Lw al be ((w0 + lin k x w - x j * w j) + x j * t)).
  { intro t. rewrite lin_upd by exact Hj. f_equal. f_equal. ring. }
  evar (l : R).
  assert (H : is_derive (fun t => w_s * Lw al be ((w0 + lin k x w - x j * w j) + x j * t)) (w j) l).
  { apply (is_derive_scal (fun t => Lw al be ((w0 + lin k x w - x j * w j) + x j * t))).
    apply (is_derive_comp (Lw al be) (fun t => (w0 + lin k x w - x j * w j) + x j * t)).
    - apply dLw_dz.
    - auto_derive; [exact I | reflexivity]. }
  replace (w_s * (be * sigma (w0 + lin k x w) - al * sigma (- (w0 + lin k x w))) * x j) with l;
    [exact H |].
  unfold l. rnorm.
  replace (w0 + lin k x w - x j * w j + x j * w j) with (w0 + lin k x w) by ring. ring.
Qed.

(* ------------------------------------------------------------------------ *)
(* The probability form (level1/probs.c, level1/probs_hot_tmpl.h)                    *)

Definition Lp (al be p : R) : R := - al * ln p - be * ln (1 - p).

(* dL/dp = -alpha/p + beta/(1-p) = (N p - alpha) / (p (1 - p)) *)
Theorem dLp_dp al be p : 0 < p < 1 ->
  is_derive (Lp al be) p (- al / p + be / (1 - p))
  /\ - al / p + be / (1 - p) = ((al + be) * p - al) / (p * (1 - p)).
Proof.
  intros [H0 H1]. split.
  - unfold Lp. auto_derive.
    + split; [lra | split; [lra | exact I]].
    + field. split; lra.
  - field. split; lra.
Qed.

(* plain labels: (p - y) / (p (1 - p)), the seed's (5) *)
Theorem dLp_plain y p : 0 < p < 1 ->
  is_derive (Lp y (1 - y)) p ((p - y) / (p * (1 - p))).
Proof.
  intros Hp. destruct (dLp_dp y (1 - y) p Hp) as [H E].
  rewrite E in H. replace ((y + (1 - y)) * p - y) with (p - y) in H by ring. exact H.
Qed.

Theorem Lp_plain y p : 0 < p < 1 -> Lp y (1 - y) p = L y p.
Proof. intros _. unfold Lp, L. ring. Qed.

(* The chain rule agrees: the probability form at p = sigma(z) has
   dL/dp * sigma'(z) = dLw/dz. *)
Theorem chain_probs_logits al be z :
  (- al / sigma z + be / (1 - sigma z)) * (sigma z * (1 - sigma z))
  = be * sigma z - al * sigma (- z).
Proof.
  pose proof (sigma_pos z). pose proof (sigma_lt_1 z).
  rewrite <- one_minus_sigma. field. split; lra.
Qed.
