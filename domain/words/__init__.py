"""Every sentence the product says, in one room: to staff (`staff`, English), and to the
customer in his language (`customer`, `messages`, `status_page`, reading the catalogues
`it` and `en`). Pure like the rest of `domain`, and written when a decision is taken, so a
replayed migration says exactly what it said the first time.
"""
