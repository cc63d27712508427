def load_demo():
    return "0 articles"
