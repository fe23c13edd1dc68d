"""placeholder during bring-up"""
class GradcheckError(RuntimeError): pass
def gradcheck(*a, **k): raise NotImplementedError
def gradgradcheck(*a, **k): raise NotImplementedError
