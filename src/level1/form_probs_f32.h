/* level1/form_probs_f32.h -- what makes the generic per-sample code (level1/sample_tmpl.h)
 * the probs form in f32: shared by this form's kernels on every ISA. */
#define FT float
#define SAMPLE(x, lab, kp, L, G) bce_probs_sample((x), (lab), (kp)->flags, (kp)->want_loss, (kp)->want_grad, (L), (G))
#define SLOW(x, y, kp, which, r) bce_slow_probs((x), (y), (kp), (which), (r))
#define GRAD_OK(r) bce_f32_safe(r)
#define LOSS_OK(r) bce_f32_safe(r)
#define GRAD_RESOLVE(x, y, w, kp, r) bce_probs_grad_resolve((x), (y), (w), (kp), (r), 1)
#define ROUND(r) bce_res_f32(r)
