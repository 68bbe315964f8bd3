"""placeholder"""
def gradcheck(*a, **k): raise NotImplementedError
def check_logreg(*a, **k): raise NotImplementedError
class GradcheckResult: pass
class LogregCheckResult: pass
