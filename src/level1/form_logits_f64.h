/* level1/form_logits_f64.h -- what makes the generic per-sample code (level1/sample_tmpl.h)
 * the logits form in f64: shared by this form's kernels on every ISA. */
#define FT double
#define SAMPLE(x, lab, kp, L, G) bce_logits_sample((x), (lab), (kp)->want_loss, (kp)->want_grad, (L), (G))
#define SLOW(x, y, kp, which, r) bce_slow_logits((x), (y), (kp), (which), (r))
#define GRAD_OK(r) bce_f64_ok(r)
#define LOSS_OK(r) 1
#define GRAD_RESOLVE(x, y, w, kp, r) bce_logits_grad_resolve((x), (y), (w), (kp), (r), 0)
#define ROUND(r) bce_res_f64(r)
