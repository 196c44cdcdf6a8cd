"""spaCy pipeline of kg: gazetteer ruler, entity resolution, roles, descriptors, quotes and
speakers, dates, meetings and positions. Only this package imports spaCy.

Use ``kg.nlp.pipeline.load_pipeline(model)``; ``kg.extract`` wraps it for the rest of the project.
"""
